import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('bcc-code');
