import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('sections');
