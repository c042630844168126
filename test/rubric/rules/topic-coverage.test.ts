import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('topic-coverage');
