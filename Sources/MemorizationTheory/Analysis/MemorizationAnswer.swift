public import FairnessStatistics
import LinearProgramming

/// The answer to "can memorization drive this metric's bias to zero (or below eps), and with how
/// much memorized mass?", with everything needed to check it.
public struct MemorizationAnswer: Sendable {
  public var metric: FairnessMetric
  public var convention: Convention
  public var options: MetricOptions
  public var groups: [String]
  public var classes: [String]
  /// Whether some memorization within the caps reaches the target.
  public var feasible: Bool
  /// The least memorized probability mass `min Σ x` (nil when infeasible).
  public var minMass: Double?
  /// The most memorized mass that still reaches the target (nil when infeasible).
  public var maxMass: Double?
  /// `x[a][y]` at the least mass (nil when infeasible).
  public var witness: [[Double]]?
  /// `x[a][y]` at the most mass (nil when infeasible).
  public var maxWitness: [[Double]]?
  /// Largest |entry| over all pairs recomputed from the witnesses by the mixture rule (R0), not
  /// from the LP rows. Must be at most the tolerance (up to solver precision).
  public var residual: Double?
  /// Whether `residual <= tolerance + witnessTolerance` and the witnesses respect `0 <= x <= cap`.
  public var witnessVerified: Bool?
  /// The infeasibility proof (nil when feasible).
  public var certificate: InfeasibilityCertificate?
  /// The closed forms R5-R7 that apply, and whether they agree with the LP.
  public var closedForm: ClosedFormBounds<Double>
  public var closedFormAgrees: Bool
  /// Exact rational answer (count inputs with exact mode only).
  public var exact: ExactAnswer?
  /// Labels of the constrained entries (LP rows), in row order.
  public var constrainedEntries: [String]
  public var notes: [String]

  /// How far a recomputed witness gap may exceed the tolerance and still count as verified:
  /// GLPK's simplex is accurate to about 1e-9 on rows scaled like probabilities.
  public static let witnessTolerance = 1e-8

  /// Whether a floating point Farkas gap proves infeasibility: it must exceed the margin every
  /// witness is checked with, since a smaller gap is rounding noise (rounded coefficients can be
  /// infeasible by 1e-16 where the intended ones are feasible; Docs/theory.md, Discrepancies,
  /// item 8). Exact (rational) gaps only need to be positive.
  public static func provesInfeasibility(floatingGap gap: Double) -> Bool {
    gap > witnessTolerance
  }
}

/// A checked proof that no memorization reaches the target: multipliers `y` on metric entries
/// whose Farkas gap `L(y) - U(y)` is positive (see `MemorizationProgram.farkasGap(entries:multipliers:)`):
/// above `MemorizationAnswer.witnessTolerance` in floating point, above zero in exact arithmetic.
/// Without a tolerance the entries are the LP rows (each group against the reference group);
/// with one they are the pairs of groups the band rows' multipliers stand for
/// (`MemorizationProgram.pairwiseMultipliers(_:)`), only those with a nonzero multiplier.
public struct InfeasibilityCertificate: Sendable {
  /// The entries the multipliers apply to.
  public var entries: [MetricEntry]
  /// Their labels.
  public var rowLabels: [String]
  public var multipliers: [Double]
  /// `L(y) - U(y)` recomputed by the theory from its own affine forms.
  public var gap: Double
  /// Whether the gap is positive.
  public var verified: Bool
  /// The gap in exact arithmetic (count inputs with exact mode), nil otherwise.
  public var exactGap: Rational?
}

/// The exact rational least mass, with the checks behind it.
public struct ExactAnswer: Sendable {
  /// The least memorized mass, exactly (nil when it could not be certified).
  public var minMass: Rational?
  /// The witness `x[a][y]` as exact fractions.
  public var witness: [[Rational]]?
  /// The least number of records, `N * minMass` (continuous relaxation: may be fractional).
  public var records: Rational?
  /// The exact closed-form minimum when R6/R7 give one.
  public var closedFormMinimum: Rational?
  /// What was verified exactly: the witness satisfies every entry exactly (R0 in rationals) and
  /// rationalized duals satisfy complementary slackness exactly, proving optimality.
  public var verified: Bool
  public var note: String
}
