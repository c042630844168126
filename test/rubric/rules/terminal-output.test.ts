import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('terminal-output');
