/// The interventions (seed 002; Docs/steering.md).
public enum SteeringIntervention: String, Sendable, Hashable, Codable, CaseIterable {
  /// Affirmative action (Thm 4.1 / Cor. 4.2): only the non-reference groups move, each to the
  /// KL-nearest affine image `N(Γ_a μ_yr + c_a, Γ_a Σ_yr Γ_a)` of the reference group's
  /// class-conditionals (convex program; closed form in 1-D).
  case affirmative
  /// All-subgroup (Prop. 4.3): every group moves, to affine images `N(γ_a m_y + c_a, γ_a² S_y)`
  /// of common class-conditionals `N(m_y, S_y)` (reference: `γ = 1`, `c = 0`); a line search
  /// over the scales `γ_a`, everything else in closed form.
  case allSubgroup = "all-subgroup"
  /// Baseline: each non-reference group's class-conditional means moved to the reference's.
  case mean
  /// Baseline (MiMiC-style): means and covariances moved to the reference's (W2 map).
  case meanCovariance = "mean-cov"
}

/// What happens to the priors `P(A, Y)` (ideal condition 3 asks for equal base rates
/// `P(Y | A)` in every group; Docs/steering.md).
public enum PriorTreatment: String, Sendable, Hashable, Codable, CaseIterable {
  /// The KL-nearest priors with equal base rates (the default). Reverse KL: the product of the
  /// marginals `P(A)P(Y)` (Kamiran-Calders), exactly optimal because the reverse objective
  /// separates. Forward KL: alternating minimization of the joint objective over independent
  /// priors (an I-projection of `q_ay e^(−KL_ay)`, solved by coordinate updates) and the moments.
  case project
  /// Every group takes the reference group's base rates: `q̃_ay = P(A = a) P(Y = y | A = ref)`.
  case reference
  /// Priors unchanged (the result is ideal only when the base rates were already equal).
  case keep
}

/// The options of a steering run.
public struct SteeringOptions: Sendable, Hashable, Codable {
  public var intervention: SteeringIntervention
  /// The group that does not move (affirmative action, baselines) or that fixes the gauge
  /// (all-subgroup). `nil`: the group with the largest mass `P(A = a)`.
  public var reference: String?
  public var direction: KLDirection
  /// The structure of `Γ` in the affirmative-action program.
  public var scale: ScaleStructure
  public var priors: PriorTreatment

  public init(
    intervention: SteeringIntervention = .affirmative, reference: String? = nil, direction: KLDirection = .forward,
    scale: ScaleStructure = .full, priors: PriorTreatment = .project
  ) {
    self.intervention = intervention
    self.reference = reference
    self.direction = direction
    self.scale = scale
    self.priors = priors
  }
}
