import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('empty-section');
