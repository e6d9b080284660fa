// "What if we activated…": the scenario simulated with chosen strategies activated at its first disruption, as the
// recommendation does (scenario-model §7), to show why a set is needed and why another does not help.
import { simulate } from '@shared/engine/simulate.js';
import type { OrganisationModel } from '@shared/model/organisation.js';
import { firstDisruptionHour, type Scenario } from './scenarios.js';

export interface WhatIf {
  strategies: string[];
  /** Per scenario (same order), the activities still breaching their MTPD; null when the engine refused the inputs. */
  breached: Array<string[] | null>;
}

/** Simulates each scenario once per set of strategies (the scenario's own activations are replaced). */
export function whatIf(model: OrganisationModel, scenarios: readonly Scenario[], sets: readonly string[][]): WhatIf[] {
  return sets.map((strategies) => ({
    strategies,
    breached: scenarios.map((scenario) => {
      const at = firstDisruptionHour(scenario) ?? 0;
      try {
        const result = simulate(model, { ...scenario, activate: strategies.map((strategy) => ({ strategy, at })) });
        return result.activities.filter((activity) => activity.mtpdBreached).map((activity) => activity.id);
      } catch {
        return null;
      }
    }),
  }));
}
