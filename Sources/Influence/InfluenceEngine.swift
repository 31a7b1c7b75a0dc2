public import DenseLinearAlgebra
public import FairnessModels

/// Which weighted refit the infinitesimal-jackknife (IJ) derivatives describe.
///
/// Both start from the model's objective at the base weights `w⁰` (`W₀ = Σ w⁰_i`, `n` for unit
/// weights): `J(θ) = Σ_i w⁰_i ℓ_i / W₀ + (λ/2) Σ_j m_j θ_j²`, with Hessian `H = ∇²J(θ̂)` (the *mean*
/// Hessian, including `λ`).
public enum RefitConvention: Sendable, Hashable {
  /// The sum convention of seed-algorithms.md §1.2: `θ̂(w) = argmin Σ_i w_i ℓ_i + (λW₀/2)‖θ‖²_m`,
  /// the regularizer held fixed while `w` moves. Then `dθ̂/dw_i = −H⁻¹ g_i / W₀`.
  /// To refit this with `FairnessModels` (whose `fit` divides by `Σ w`), set
  /// `l2Strength = λ·W₀/Σ_i w_i` (``InfluenceEngine/refitL2Strength(forWeights:)``).
  case fixedRegularization
  /// `FairnessModels`' own weighted fit with `λ` unchanged: `argmin Σ w_i ℓ_i/Σ w_i + (λ/2)‖θ‖²_m`.
  /// The normalizer moves with `w`, so `dθ̂/dw_i = −H⁻¹ (g_i − ḡ) / W₀` with
  /// `ḡ = Σ_i w⁰_i g_i / W₀` (`= −λ m⊙θ̂` at an exact optimum).
  case modelObjective
}

/// Influence functions for a trained ``DifferentiableClassifier`` restricted to a parameter block.
///
/// Built once from the trained model `θ̂`, the training data and the base weights `w⁰`; it
/// computes and caches the per-sample training gradients `G` (`n x p`, row `i` is `g_i = ∇_B ℓ_i(θ̂)`)
/// and, for ``InverseHessianMethod/exact``, the Cholesky factor of `H` (damped if needed).
///
/// When the block is a softmax layer on features (``DifferentiableClassifier/softmaxLayerDerivatives(_:labels:block:)``:
/// logistic regression, an MLP's last layer) the engine caches the factored form `(F, R, Q)` from
/// **one** forward pass instead of `G`: `G s`, `Gᵀ c`, the Fisher diagonal, the dense Hessian and
/// every Hessian-vector product (CG, LiSSA) are computed from it, and `G` is only formed when
/// ``perSampleGradients`` is read.
///
/// **Scaling (the one thing to get right).** `H = ∇²_BB J(θ̂)` is the mean Hessian. With
/// `W₀ = Σ_i w⁰_i` (`= n` for unit weights) and the default ``RefitConvention/fixedRegularization``:
///
///     Δθ(Δw)  = −H⁻¹ Gᵀ Δw / W₀                       (parameterChange, the IJ edit)
///     I_i     = ∂F(θ̂(w))/∂w_i = −g_iᵀ H⁻¹ ∇F / W₀      (influence)
///     ΔF      ≈ Σ_i I_i Δw_i                           (predicted change, first order)
///
/// so removing point `i` (`Δw_i = −1`) changes `F` by `≈ −I_i`. This equals seed-algorithms.md
/// §1.2's `I_F = −Gᵀ H_sum⁻¹ ∇F` because `H_sum = W₀ H`.
public struct InfluenceEngine<Model: DifferentiableClassifier>: Sendable {
  /// The trained model `θ̂`.
  public let model: Model
  /// Training features (`n x d`).
  public let features: Matrix
  /// Training labels.
  public let labels: [Int]
  /// The base weights `w⁰` as given (`nil` = all ones).
  public let weights: [Double]?
  /// The parameter block the influence is taken with respect to (and the IJ edit changes).
  public let block: ParameterBlock
  /// The default IHVP method.
  public let method: InverseHessianMethod
  /// The refit the derivatives describe.
  public let convention: RefitConvention
  /// `G`: per-sample training gradients `∇_B ℓ_i(θ̂)` (`n x |block|`, unweighted, no L2 term).
  /// For a softmax-layer block this is formed from the cached factors on every read
  /// (`O(n·|block|)`, no forward pass); the engine itself never needs it.
  public var perSampleGradients: Matrix { gradients.matrix }
  /// `W₀ = Σ_i w⁰_i`.
  public let totalWeight: Double
  /// `ḡ = Σ_i w⁰_i g_i / W₀`.
  /// (Computed at construction under ``RefitConvention/modelObjective``, which uses it in every
  /// influence; otherwise on each read, one `Gᵀŵ`.)
  public var meanGradient: [Double] { cachedMeanGradient ?? gradients.transposeApplied(to: normalizedWeights) }

  /// `G`, dense or factored.
  let gradients: PerSampleGradientStore
  /// `ŵ = w⁰ / W₀`.
  let normalizedWeights: [Double]
  /// `ḡ`, when computed at construction.
  let cachedMeanGradient: [Double]?
  let exactSolver: ExactSolver?
  /// `Σ_i ŵ_i g_i ⊙ g_i`, computed at construction for ``InverseHessianMethod/diagonalFisher``
  /// (otherwise on demand).
  let cachedFisherDiagonal: [Double]?

  /// Builds the engine: validates shapes, computes `G` (or its softmax-layer factors), `ḡ` under
  /// ``RefitConvention/modelObjective``, the diagonal empirical Fisher for
  /// ``InverseHessianMethod/diagonalFisher`` and, for `.exact`, the (damped if needed) Cholesky
  /// factor of `H`.
  ///
  /// - Throws: ``InfluenceError/shapeMismatch(_:)`` for inconsistent inputs,
  ///   ``InfluenceError/notPositiveDefinite(dampingTried:)`` if `.exact` cannot factor `H`.
  public init(
    model: Model, features: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .lastLayer,
    method: InverseHessianMethod = .exact, convention: RefitConvention = .fixedRegularization
  ) throws(InfluenceError) {
    let n = features.rows
    guard n > 0 else { throw .shapeMismatch("no training rows") }
    guard features.columns == model.featureCount else {
      throw .shapeMismatch("features have \(features.columns) columns, model expects \(model.featureCount)")
    }
    guard labels.count == n else { throw .shapeMismatch("\(labels.count) labels for \(n) rows") }
    if let bad = labels.first(where: { $0 < 0 || $0 >= model.classCount }) {
      throw .shapeMismatch("label \(bad) outside 0..<\(model.classCount)")
    }
    if let weights {
      guard weights.count == n else { throw .shapeMismatch("\(weights.count) weights for \(n) rows") }
      guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.reduce(0, +) > 0 else {
        throw .shapeMismatch("weights must be finite, non-negative and not all zero")
      }
    }
    self.model = model
    self.features = features
    self.labels = labels
    self.weights = weights
    self.block = block
    self.method = method
    self.convention = convention
    if let factored = model.softmaxLayerDerivatives(features, labels: labels, block: block) {
      self.gradients = .factored(factored)
    } else {
      self.gradients = .dense(model.perSampleGradients(features, labels: labels, block: block))
    }
    let w0 = weights ?? Array(repeating: 1, count: n)
    let total = w0.reduce(0, +)
    self.totalWeight = total
    let normalized = w0.map { $0 / total }
    self.normalizedWeights = normalized
    self.cachedMeanGradient = convention == .modelObjective ? gradients.transposeApplied(to: normalized) : nil
    self.cachedFisherDiagonal = method.isDiagonalFisher ? gradients.squaresTransposeApplied(to: normalized) : nil
    let p = gradients.parameterCount
    if method == .exact {
      guard p <= Self.maximumExactDimension else {
        throw .shapeMismatch(
          "exact Hessian of \(p) parameters exceeds maximumExactDimension \(Self.maximumExactDimension); "
            + "use .conjugateGradient, .lissa, .diagonalFisher or block .lastLayer")
      }
      self.exactSolver = try ExactSolver(hessian: Self.denseHessian(model, features, labels, weights, block, gradients))
    } else {
      self.exactSolver = nil
    }
  }

  /// The dense `H`: from the cached factors of a softmax layer, otherwise ``DifferentiableClassifier/hessian(_:labels:weights:block:)``.
  static func denseHessian(
    _ model: Model, _ features: Matrix, _ labels: [Int], _ weights: [Double]?, _ block: ParameterBlock,
    _ gradients: PerSampleGradientStore
  ) -> Matrix {
    if case .factored(let factored) = gradients { return factored.hessian(weights: weights) }
    return model.hessian(features, labels: labels, weights: weights, block: block)
  }

  /// The dense `H` of this engine.
  func denseHessian() -> Matrix { Self.denseHessian(model, features, labels, weights, block, gradients) }

  /// The largest block for which ``InverseHessianMethod/exact`` forms the dense Hessian (a
  /// `5000²` matrix is 200 MB; for `.all` on an MLP it also costs `|block|` full-data HVPs).
  public static var maximumExactDimension: Int { 5000 }

  /// `|block|`, the length of every parameter-space vector here.
  public var parameterCount: Int { gradients.parameterCount }
  /// The number of training rows `n`.
  public var rowCount: Int { gradients.rowCount }
  /// The base weights `w⁰` (ones if none were given).
  public var baseWeights: [Double] { weights ?? Array(repeating: 1, count: rowCount) }

  /// `H v` for the exact Hessian of the objective at the base weights (one model HVP, or for a
  /// softmax layer two passes over the cached features, no forward pass).
  public func hessianVectorProduct(_ v: [Double]) -> [Double] {
    if case .factored(let factored) = gradients {
      precondition(v.count == parameterCount, "vector of length \(v.count) for a block of \(parameterCount) parameters")
      return factored.hessianVectorProduct(v, weights: weights)
    }
    return model.hessianVectorProduct(features, labels: labels, weights: weights, vector: v, block: block)
  }

  /// The diagonal `Σ_i ŵ_i g_i ⊙ g_i` of the empirical Fisher (without damping).
  public var empiricalFisherDiagonal: [Double] {
    cachedFisherDiagonal ?? gradients.squaresTransposeApplied(to: normalizedWeights)
  }

  /// `x ≈ H⁻¹v` with the engine's ``method``.
  public func inverseHessianVectorProduct(_ v: [Double]) throws(InfluenceError) -> InverseHessianResult {
    try inverseHessianVectorProduct(v, method: method)
  }

  /// The `Δw`-direction term `Gᵀ Δw / W₀` (with `ḡ Σ Δw` subtracted under `.modelObjective`).
  public func aggregatedGradient(forWeightChange dw: [Double]) throws(InfluenceError) -> [Double] {
    guard dw.count == rowCount else { throw .shapeMismatch("\(dw.count) weight changes for \(rowCount) rows") }
    var a = gradients.transposeApplied(to: dw)
    if convention == .modelObjective {
      let s = dw.reduce(0, +)
      let mean = meanGradient
      for j in a.indices { a[j] -= s * mean[j] }
    }
    for j in a.indices { a[j] /= totalWeight }
    return a
  }

  /// The influence of every training point on a scalar `F` whose gradient wrt the block at `θ̂` is
  /// `targetGradient`: `I_i = −g̃_iᵀ H⁻¹ ∇F / W₀` (`g̃_i = g_i`, or `g_i − ḡ` under
  /// `.modelObjective`), so `ΔF ≈ Σ_i I_i Δw_i`; dropping point `i` changes `F` by `≈ −I_i`.
  public func influence(of targetGradient: [Double]) throws(InfluenceError) -> [Double] {
    try influenceWithDiagnostics(of: targetGradient).values
  }

  /// ``influence(of:)`` together with the IHVP diagnostics `s = H⁻¹∇F`.
  public func influenceWithDiagnostics(of targetGradient: [Double]) throws(InfluenceError) -> (
    values: [Double], inverseHessian: InverseHessianResult
  ) {
    guard targetGradient.count == parameterCount else {
      throw .shapeMismatch("target gradient has length \(targetGradient.count), block has \(parameterCount) parameters")
    }
    let s = try inverseHessianVectorProduct(targetGradient)
    var values = gradients.applied(to: s.vector)
    let shift = convention == .modelObjective ? VectorMath.dot(meanGradient, s.vector) : 0
    for i in values.indices { values[i] = -(values[i] - shift) / totalWeight }
    return (values, s)
  }

  /// The influence on a fairness target evaluated at ``model``.
  public func influence(on target: FairnessTarget) throws(InfluenceError) -> [Double] {
    try influence(of: target.gradient(model, block: block))
  }

  /// The first-order parameter change of the block for weights `w⁰ + dw`:
  /// `Δθ_B = −H⁻¹ Gᵀ dw / W₀` (IJ; seed-algorithms.md §1.2's `−H_sum⁻¹ G (w − 1)`).
  public func parameterChange(forWeightChange dw: [Double]) throws(InfluenceError) -> [Double] {
    let a = try aggregatedGradient(forWeightChange: dw)
    let s = try inverseHessianVectorProduct(a)
    return s.vector.map { -$0 }
  }

  /// The IJ-edited model `θ_IJ(w) = θ̂ + Δθ_B(w − w⁰)` (no refitting); only the block changes.
  public func editedModel(weights w: [Double]) throws(InfluenceError) -> Model {
    guard w.count == rowCount else { throw .shapeMismatch("\(w.count) weights for \(rowCount) rows") }
    let base = baseWeights
    let dw = zip(w, base).map { $0 - $1 }
    let delta = try parameterChange(forWeightChange: dw)
    var edited = model
    var theta = edited.parameters
    let range = model.parameterRange(for: block)
    for (k, j) in range.enumerated() { theta[j] += delta[k] }
    edited.parameters = theta
    return edited
  }

  /// The predicted change `Σ_i I_i Δw_i`.
  public static func predictedChange(influence: [Double], weightChange dw: [Double]) -> Double {
    precondition(influence.count == dw.count, "\(influence.count) influences for \(dw.count) weight changes")
    return VectorMath.dot(influence, dw)
  }

  /// The `l2Strength` with which `FairnessModels`' weighted `fit` (normalized by `Σ w`) has the
  /// same minimizer as the fixed-regularization sum objective of ``RefitConvention/fixedRegularization``:
  /// `λ·W₀/Σ_i w_i`.
  public func refitL2Strength(forWeights w: [Double]) -> Double {
    model.l2Strength * totalWeight / w.reduce(0, +)
  }
}

/// The per-sample gradients `G` of an engine: a dense matrix, or the factored form of a softmax
/// layer (``SoftmaxLayerDerivatives``), with the three products the engine needs.
enum PerSampleGradientStore: Sendable {
  case dense(Matrix)
  case factored(SoftmaxLayerDerivatives)

  var rowCount: Int {
    switch self {
    case .dense(let g): g.rows
    case .factored(let f): f.rowCount
    }
  }

  var parameterCount: Int {
    switch self {
    case .dense(let g): g.columns
    case .factored(let f): f.parameterCount
    }
  }

  /// `G` (formed on demand for the factored case).
  var matrix: Matrix {
    switch self {
    case .dense(let g): g
    case .factored(let f): f.gradientMatrix()
    }
  }

  /// `G s`.
  func applied(to s: [Double]) -> [Double] {
    switch self {
    case .dense(let g): g.applied(to: s)
    case .factored(let f): f.gradientsApplied(to: s)
    }
  }

  /// `Gᵀ c`.
  func transposeApplied(to c: [Double]) -> [Double] {
    switch self {
    case .dense(let g): g.transposeApplied(to: c)
    case .factored(let f): f.gradientsTransposeApplied(to: c)
    }
  }

  /// `Σ_i c_i g_i ⊙ g_i`.
  func squaresTransposeApplied(to c: [Double]) -> [Double] {
    switch self {
    case .dense(let g):
      let p = g.columns
      var sum = Array(repeating: 0.0, count: p)
      g.elements.withUnsafeBufferPointer { e in
        for i in 0..<g.rows where c[i] != 0 {
          for j in 0..<p {
            let v = e[i * p + j]
            sum[j] += c[i] * v * v
          }
        }
      }
      return sum
    case .factored(let f): return f.squaredGradientsTransposeApplied(to: c)
    }
  }
}
