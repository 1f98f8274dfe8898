// stance stage: comments in, one StanceRecord each (support / oppose / request / question, confidence, evidence) out.
export { stanceOf, stanceItems, stanceHits, type StanceResult, type StanceHit } from './stance.ts';
export { loadStanceRules, DEFAULT_STANCE_RULES, StanceRuleSet, StanceRule, type LoadedStanceRules } from './rules-schema.ts';
