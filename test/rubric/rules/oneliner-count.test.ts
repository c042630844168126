import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('oneliner-count');
