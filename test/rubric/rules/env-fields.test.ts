import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('env-fields');
