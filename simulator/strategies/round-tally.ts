/** Counts warm-up rounds and how many reached the environments they asked for, across functions. */
export class RoundTally {
  rounds = 0;
  reached = 0;
  wanted = 0;
  distinct = 0;
  pingsCold = 0;

  add(wanted: number, distinct: number, cold: number): void {
    if (wanted <= 0) return;
    this.rounds++;
    this.wanted += wanted;
    this.distinct += Math.min(distinct, wanted);
    this.pingsCold += cold;
    if (distinct >= wanted) this.reached++;
  }

  facts(): Record<string, number> {
    return {
      rounds: this.rounds,
      roundsReachingN: this.rounds > 0 ? this.reached / this.rounds : 0,
      distinctPerWanted: this.wanted > 0 ? this.distinct / this.wanted : 0,
    };
  }
}
