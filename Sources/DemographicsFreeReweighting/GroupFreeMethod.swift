/// The training procedures compared on the same splits and the same learner. None of them sees a
/// group label during training.
public enum GroupFreeMethod: String, Sendable, Hashable, Codable, CaseIterable {
  /// Empirical risk minimization: every sample weighs 1.
  case erm
  /// Adversarially reweighted learning (Lahoti et al. 2020): a linear adversary on `[x; y]` with a
  /// sigmoid output `s_i` gives `λ_i = 1 + B·s_i / Σ_j s_j` in each batch (mean 2).
  case arl
  /// CVaR distributionally robust optimization (Levy et al. 2020) on each batch: the learner
  /// minimizes the mean of the worst `α`-fraction of the batch losses (no adversary network).
  case dro
  /// Graph of gradients (seed 003, KDD 2025): the adversary is a linear encoder of the inputs
  /// followed by one GCN layer over the kNN graph of the per-sample last-layer gradients.
  case gog
  /// The ablation of ``gog`` with the kNN graph built on the input features instead of the
  /// gradients (everything else identical).
  case featureGraph = "feature-graph"

  /// Whether the method has a GCN adversary over a kNN graph (so `K` matters).
  public var usesGraph: Bool { self == .gog || self == .featureGraph }
}
