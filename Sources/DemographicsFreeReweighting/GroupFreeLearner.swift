public import DenseLinearAlgebra
public import FairnessModels

/// The learner of a group-free run: logistic regression or the one-hidden-layer MLP, both with a
/// softmax (for LR: logistic) head on a representation `h` (`h = x` for LR).
public enum GroupFreeLearner: Sendable, Equatable {
  case lr(MultinomialLogisticRegression)
  case mlp(MLPClassifier)

  /// The initial learner: LR at zero, or an MLP with `activation` units (ReLU by default) drawn
  /// from `generator`. No L2 penalty (the authors train with weight decay 0).
  public init(
    kind: GroupFreeLearnerKind, featureCount: Int, hiddenWidth: Int, activation: Activation = .relu,
    using generator: inout some RandomNumberGenerator
  ) {
    switch kind {
    case .lr: self = .lr(MultinomialLogisticRegression(featureCount: featureCount, classCount: 2))
    case .mlp:
      self = .mlp(
        MLPClassifier(featureCount: featureCount, hiddenWidth: hiddenWidth, activation: activation, using: &generator))
    }
  }

  /// The most probable class of each row.
  public func predict(_ x: Matrix) -> [Int] {
    switch self {
    case .lr(let m): m.predict(x)
    case .mlp(let m): m.predict(x)
    }
  }

  /// Per-sample last-layer weight gradients, one row per sample: `g_i = (p_i − e_{y_i}) ⊗ [h_i; 1]`
  /// in closed form (no autodiff). For LR (one logit, class 0 the reference) this is
  /// `(p_i(1) − y_i)·[x_i; 1]`; for the MLP's two-logit head it has `2(h + 1)` entries in the
  /// model's `[vec(W₂), b₂]` order. Seed-algorithms.md §4.2 step 2: the gradient w.r.t. the
  /// last layer's *input* is collinear across samples for one logit, so the weight gradient is used.
  public func lastLayerGradients(_ x: Matrix, labels: [Int]) -> Matrix {
    switch self {
    case .lr(let m): Self.lastLayerGradients(m, x, labels)
    case .mlp(let m): Self.lastLayerGradients(m, x, labels)
    }
  }
}

extension DifferentiableClassifier {
  /// `∇_θ (1/B) Σ_i λ_i ℓ_i` (all parameters; the models carry no L2 term here). `λ` may hold
  /// negative entries (LeakyReLU(o) + 1 < 0 when o < −1/s): the sum is split into its positive and
  /// negative parts, each a weighted mean the model computes. `nil` weights mean all ones.
  func weightedMeanGradient(_ x: Matrix, labels: [Int], weights: [Double]?) -> [Double] {
    guard let weights else { return gradient(x, labels: labels, weights: nil, block: .all) }
    var total = [Double](repeating: 0, count: parameterCount)
    for sign in [1.0, -1.0] {
      let part = weights.map { max(0, sign * $0) }
      let mass = part.reduce(0, +)
      guard mass > 0 else { continue }
      let g = gradient(x, labels: labels, weights: part, block: .all)
      let scale = sign * mass / Double(weights.count)
      for j in total.indices { total[j] += scale * g[j] }
    }
    return total
  }
}
