import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('presentation-link');
