public import DenseLinearAlgebra

/// A probabilistic classifier with a flat parameter vector and exact first and second derivatives
/// of its training objective: the interface influence functions are built on.
///
/// ## Objective (the single normalization convention of this module)
///
/// For features `X` (`n x d`, one sample per row), labels `y_i ∈ {0, …, K−1}`, non-negative sample
/// weights `w_i` (all 1 if omitted) and L2 strength `λ = l2Strength`, the objective is the
/// **weighted mean** cross-entropy plus an L2 penalty:
///
///     J(θ) = Σ_i w_i ℓ_i(θ) / Σ_i w_i  +  (λ/2) Σ_j m_j θ_j²,      ℓ_i(θ) = −log p_θ(y_i | x_i)
///
/// where `m_j ∈ {0, 1}` is ``penaltyMask(for:)`` (for example an unpenalized intercept). Because
/// the normalizer is `Σ w_i`, an integer weight 2 on a row is exactly the same objective as
/// duplicating the row. With unit weights this is the mean over the training set plus L2, as in
/// seed 001. (To use the *sum* convention `Σ_i w_i ℓ_i + (λ_s/2)‖θ‖²` of the infinitesimal
/// jackknife, note `J = (1/Σw)·[Σ w ℓ + (λ·Σw/2)‖θ‖²]`, i.e. `λ_s = λ·Σ w_i`, and all derivatives
/// scale by `Σ w_i`.)
///
/// ## Derivatives
/// * ``perSampleGradients(_:labels:block:)``: rows `∇ℓ_i(θ)`, unweighted, without the penalty.
/// * ``gradient(_:labels:weights:block:)``: `∇J = Σ w_i ∇ℓ_i / Σ w_i + λ m ⊙ θ`.
/// * ``hessianVectorProduct(_:labels:weights:vector:block:)``: `∇²J · v`, exact.
/// * ``hessian(_:labels:weights:block:)``: `∇²J` as a dense matrix.
///
/// Labels must lie in `0..<classCount` and `X` must have ``featureCount`` columns; these are
/// preconditions of every method here (training entry points validate and throw instead).
public protocol DifferentiableClassifier: Sendable {
  /// The number of input features `d`.
  var featureCount: Int { get }
  /// The number of classes `K >= 2`.
  var classCount: Int { get }
  /// The L2 strength `λ >= 0` in the objective `J`.
  var l2Strength: Double { get set }
  /// The length `p` of ``parameters``.
  var parameterCount: Int { get }
  /// All parameters as one flat vector, in the model's documented order. Setting it replaces the
  /// model (precondition: same length).
  var parameters: [Double] { get set }

  /// The indices of `block` in the flat parameter vector.
  func parameterRange(for block: ParameterBlock) -> Range<Int>
  /// `m_j` for each parameter of `block`: 1 if the L2 penalty applies to it, 0 if not.
  func penaltyMask(for block: ParameterBlock) -> [Double]

  /// The predicted class probabilities, `n x K`, each row summing to 1.
  func probabilities(_ x: Matrix) -> Matrix
  /// The per-sample cross-entropy losses `ℓ_i = −log p_θ(y_i | x_i)` (no weights, no penalty).
  func perSampleLosses(_ x: Matrix, labels: [Int]) -> [Double]
  /// The per-sample loss gradients: an `n x |block|` matrix whose row `i` is `∇_B ℓ_i(θ)`
  /// (unweighted, without the L2 term).
  func perSampleGradients(_ x: Matrix, labels: [Int], block: ParameterBlock) -> Matrix
  /// The gradient `∇_B J(θ)` of the full regularized objective, restricted to `block`.
  func gradient(_ x: Matrix, labels: [Int], weights: [Double]?, block: ParameterBlock) -> [Double]
  /// The exact Hessian-vector product `(∇²J)_BB · v` for `v` of length `|block|`.
  func hessianVectorProduct(
    _ x: Matrix, labels: [Int], weights: [Double]?, vector: [Double], block: ParameterBlock
  ) -> [Double]
  /// The Hessian `(∇²J)_BB` of the regularized objective (`|block| x |block|`, symmetric).
  func hessian(_ x: Matrix, labels: [Int], weights: [Double]?, block: ParameterBlock) -> Matrix
  /// The derivatives of `block` in factored form when `block` is a softmax layer on per-sample
  /// features (see ``SoftmaxLayerDerivatives``), from one forward pass; `nil` otherwise (the
  /// default). Consumers then use `F`, `R`, `Q` instead of forming `G`.
  func softmaxLayerDerivatives(_ x: Matrix, labels: [Int], block: ParameterBlock) -> SoftmaxLayerDerivatives?
}

extension DifferentiableClassifier {
  /// `nil`: no factored form unless the model provides one.
  public func softmaxLayerDerivatives(_ x: Matrix, labels: [Int], block: ParameterBlock) -> SoftmaxLayerDerivatives? {
    nil
  }

  /// `Σ_i c_i ∇_B ℓ_i = Gᵀ c` for the per-sample gradients of `x`: from the factored form when
  /// the block is a softmax layer (no `G` is formed), otherwise from ``perSampleGradients(_:labels:block:)``.
  ///
  /// - Precondition: `coefficients.count == x.rows`.
  public func perSampleGradientsTransposeApplied(
    _ x: Matrix, labels: [Int], coefficients: [Double], block: ParameterBlock
  ) -> [Double] {
    if let factored = softmaxLayerDerivatives(x, labels: labels, block: block) {
      return factored.gradientsTransposeApplied(to: coefficients)
    }
    return perSampleGradients(x, labels: labels, block: block).transposeApplied(to: coefficients)
  }

  /// The number of parameters in `block`.
  public func parameterCount(in block: ParameterBlock) -> Int { parameterRange(for: block).count }

  /// The most probable class of each row (ties go to the smaller class index).
  public func predict(_ x: Matrix) -> [Int] {
    let p = probabilities(x)
    let k = p.columns
    let e = p.elements
    return (0..<p.rows).map { i in
      var best = 0
      for c in 1..<k where e[i * k + c] > e[i * k + best] { best = c }
      return best
    }
  }

  /// The fraction of rows whose predicted class equals the label (0 for no rows).
  public func accuracy(_ x: Matrix, labels: [Int]) -> Double {
    precondition(labels.count == x.rows, "\(labels.count) labels for \(x.rows) rows")
    guard !labels.isEmpty else { return 0 }
    let predicted = predict(x)
    return Double(zip(predicted, labels).count { $0 == $1 }) / Double(labels.count)
  }

  /// The objective `J(θ) = Σ w_i ℓ_i / Σ w_i + (λ/2) Σ m_j θ_j²` (see the protocol documentation).
  public func loss(_ x: Matrix, labels: [Int], weights: [Double]? = nil) -> Double {
    let losses = perSampleLosses(x, labels: labels)
    let w = normalizedWeights(weights, count: losses.count)
    var data = 0.0
    for i in losses.indices { data += w[i] * losses[i] }
    return data + penalty()
  }

  /// The L2 term `(λ/2) Σ m_j θ_j²`.
  public func penalty() -> Double {
    let mask = penaltyMask(for: .all)
    let theta = parameters
    var sum = 0.0
    for j in theta.indices { sum += mask[j] * theta[j] * theta[j] }
    return 0.5 * l2Strength * sum
  }

  /// The dense Hessian built column by column from exact Hessian-vector products with unit
  /// vectors (`|block|` products), then symmetrized. Models with a closed form override this.
  public func hessian(_ x: Matrix, labels: [Int], weights: [Double]?, block: ParameterBlock) -> Matrix {
    hessianFromProducts(x, labels: labels, weights: weights, block: block)
  }

  /// The dense Hessian `(∇²J)_BB` assembled from `|block|` exact Hessian-vector products with the
  /// unit vectors, then symmetrized (`O(|block|)` HVPs; exact up to rounding).
  public func hessianFromProducts(_ x: Matrix, labels: [Int], weights: [Double]?, block: ParameterBlock) -> Matrix {
    let p = parameterCount(in: block)
    var columns: [Double] = []
    columns.reserveCapacity(p * p)
    var unit = Array(repeating: 0.0, count: p)
    for j in 0..<p {
      unit[j] = 1
      columns.append(contentsOf: hessianVectorProduct(x, labels: labels, weights: weights, vector: unit, block: block))
      unit[j] = 0
    }
    // Row j of `columns` is column j of H; symmetrize to remove rounding asymmetry.
    return Matrix(rows: p, columns: p, elements: columns).symmetrized()
  }
}

/// `w_i / Σ w` (or `1/n` each when `weights` is nil). Preconditions: matching count, Σw > 0.
func normalizedWeights(_ weights: [Double]?, count: Int) -> [Double] {
  guard let weights else { return Array(repeating: count > 0 ? 1 / Double(count) : 0, count: count) }
  precondition(weights.count == count, "\(weights.count) weights for \(count) rows")
  let total = weights.reduce(0, +)
  precondition(total > 0, "weights must have a positive sum")
  return weights.map { $0 / total }
}

/// Validates user data for training: throws instead of trapping.
func validateTrainingData(
  _ x: Matrix, labels: [Int], weights: [Double]?, featureCount: Int, classCount: Int
) throws(ModelError) {
  guard x.rows > 0 else { throw .emptyTrainingSet }
  guard x.columns == featureCount else {
    throw .shapeMismatch("features have \(x.columns) columns, model expects \(featureCount)")
  }
  guard labels.count == x.rows else { throw .shapeMismatch("\(labels.count) labels for \(x.rows) rows") }
  if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
    throw .labelOutOfRange(index: bad, label: labels[bad])
  }
  guard x.isFinite else { throw .nonFiniteFeatures }
  if let weights {
    guard weights.count == x.rows else { throw .shapeMismatch("\(weights.count) weights for \(x.rows) rows") }
    guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
      throw .invalidWeights("weights must be finite and non-negative")
    }
    guard weights.reduce(0, +) > 0 else { throw .invalidWeights("weights sum to zero") }
  }
}

/// Preconditions shared by every derivative: shapes and label range.
func checkInputs(_ x: Matrix, labels: [Int], featureCount: Int, classCount: Int) {
  precondition(x.columns == featureCount, "features have \(x.columns) columns, model expects \(featureCount)")
  precondition(labels.count == x.rows, "\(labels.count) labels for \(x.rows) rows")
  precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount }, "labels must lie in 0..<\(classCount)")
}
