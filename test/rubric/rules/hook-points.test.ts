import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('hook-points');
