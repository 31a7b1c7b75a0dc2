/// Adam (Kingma & Ba 2015) with bias correction and optional gradient-norm clipping, as a value
/// that owns its moment estimates, so several players (a learner and an adversary) can each keep
/// their own state.
///
/// One ``step(_:gradient:)`` with gradient `g` (first clipped to `g · min(1, c/‖g‖₂)` when a
/// clipping norm `c` is set, as PyTorch's `clip_grad_norm_`) does
///
///     m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,   θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
///
/// which is the update of ``MLPClassifier/fit(_:labels:weights:options:using:progress:)`` and of
/// `torch.optim.Adam` (weight decay 0). Deterministic: no randomness, fixed order of operations.
public struct AdamOptimizer: Sendable, Equatable {
  /// The step size `η`.
  public var learningRate: Double
  /// `β₁`.
  public var beta1: Double
  /// `β₂`.
  public var beta2: Double
  /// `ε`.
  public var epsilon: Double
  /// The largest Euclidean norm a gradient keeps (`nil`: no clipping).
  public var clipNorm: Double?
  /// The number of steps taken.
  public private(set) var steps = 0
  private var firstMoment: [Double]
  private var secondMoment: [Double]

  /// An optimizer for `parameterCount` parameters with zero moments.
  ///
  /// - Precondition: `learningRate > 0`, `clipNorm` positive when given.
  public init(
    parameterCount: Int, learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
    clipNorm: Double? = nil
  ) {
    precondition(learningRate > 0 && learningRate.isFinite, "learning rate must be positive")
    precondition(clipNorm.map { $0 > 0 } ?? true, "clip norm must be positive")
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.clipNorm = clipNorm
    self.firstMoment = Array(repeating: 0, count: parameterCount)
    self.secondMoment = Array(repeating: 0, count: parameterCount)
  }

  /// Moves `parameters` one Adam step against `gradient` (a descent step; pass `−g` to ascend).
  ///
  /// - Precondition: both arrays have the optimizer's parameter count.
  public mutating func step(_ parameters: inout [Double], gradient: [Double]) {
    precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count, "length mismatch")
    var scale = 1.0
    if let clipNorm {
      let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
      // PyTorch's clip_grad_norm_: g · min(1, c / (‖g‖ + 1e-6)).
      scale = min(1, clipNorm / (norm + 1e-6))
    }
    steps += 1
    let correction1 = 1 - pow(beta1, steps)
    let correction2 = 1 - pow(beta2, steps)
    for j in parameters.indices {
      let g = gradient[j] * scale
      firstMoment[j] = beta1 * firstMoment[j] + (1 - beta1) * g
      secondMoment[j] = beta2 * secondMoment[j] + (1 - beta2) * g * g
      parameters[j] -=
        learningRate * (firstMoment[j] / correction1) / ((secondMoment[j] / correction2).squareRoot() + epsilon)
    }
  }
}
