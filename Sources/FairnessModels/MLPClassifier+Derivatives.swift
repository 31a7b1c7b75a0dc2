public import DenseLinearAlgebra

extension MLPClassifier {
  /// Column sums of a row-major `rows x columns` array.
  func columnSums(_ e: [Double], rows: Int, columns: Int) -> [Double] {
    var s = Array(repeating: 0.0, count: columns)
    for i in 0..<rows {
      for j in 0..<columns { s[j] += e[i * columns + j] }
    }
    return s
  }

  /// Per-sample loss gradients by backpropagation, an `n x |block|` matrix.
  ///
  /// With `r_i = p_i − e_{y_i}` and `δ_i = (W₂ᵀr_i) ⊙ φ'(a_i)`, row `i` is
  /// `[vec(δ_i x_iᵀ), δ_i, vec(r_i h_iᵀ), r_i]` (or only the last two parts for
  /// ``ParameterBlock/lastLayer``, written by ``SoftmaxLayerDerivatives/gradientMatrix()``).
  /// Unweighted and without the penalty. Memory is `n·|block|` doubles: for the full network on a
  /// large data set, pass row subsets.
  public func perSampleGradients(_ x: Matrix, labels: [Int], block: ParameterBlock = .all) -> Matrix {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let f = forward(x, keepingPreActivations: block == .all)
    let last = lastLayerDerivatives(f, labels: labels)
    guard block == .all else { return last.gradientMatrix() }
    let n = x.rows
    let (d, h) = (featureCount, hiddenWidth)
    let width = parameterCount
    let delta = hiddenErrors(last.residuals, f).errors
    let xe = x.elements
    var g = Array(repeating: 0.0, count: n * width)
    g.withUnsafeMutableBufferPointer { out in
      for i in 0..<n {
        let row = i * width
        for u in 0..<h {
          let du = delta[i * h + u]
          for j in 0..<d { out[row + u * d + j] = du * xe[i * d + j] }
          out[row + h * d + u] = du
        }
      }
      last.writeGradients(into: out, rowStride: width, offset: lastLayerOffset)
    }
    return Matrix(rows: n, columns: width, elements: g)
  }

  /// The last layer is a softmax layer on the hidden representation `h_i` over all `K` classes:
  /// `F = H`, `R = P − Y`, `Q = P`, flat order `[vec(W₂), b₂]`
  /// (``SoftmaxLayerDerivatives/Layout/trailingBias``); one forward pass. `nil` for
  /// ``ParameterBlock/all``.
  public func softmaxLayerDerivatives(_ x: Matrix, labels: [Int], block: ParameterBlock) -> SoftmaxLayerDerivatives? {
    guard block == .lastLayer else { return nil }
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    return lastLayerDerivatives(forward(x, keepingPreActivations: false), labels: labels)
  }

  /// The last layer's ``SoftmaxLayerDerivatives`` from a forward pass.
  func lastLayerDerivatives(_ f: Forward, labels: [Int]) -> SoftmaxLayerDerivatives {
    let n = labels.count
    return SoftmaxLayerDerivatives(
      features: f.hidden, residuals: residuals(f, labels: labels, scale: nil),
      probabilities: Matrix(rows: n, columns: classCount, elements: f.probabilities), coversAllClasses: true,
      layout: .trailingBias, l2Strength: l2Strength, penaltyMask: penaltyMask(for: .lastLayer))
  }

  /// The gradient of the regularized objective by backpropagation (BLAS `dgemm` for every
  /// product): with `R = diag(ŵ)(P − Y)`, `∇W₂ = RᵀH`, `∇b₂ = Rᵀ1`, `Δ = (RW₂) ⊙ φ'(A)`,
  /// `∇W₁ = ΔᵀX`, `∇b₁ = Δᵀ1`, plus `λθ`.
  public func gradient(_ x: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .all) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let w = normalizedWeights(weights, count: x.rows)
    return objectiveAndGradient(x, labels: labels, normalizedWeights: w, block: block).gradient
  }

  /// `J` and `∇_B J` in one forward and one backward pass.
  func objectiveAndGradient(_ x: Matrix, labels: [Int], normalizedWeights w: [Double], block: ParameterBlock) -> (
    value: Double, gradient: [Double]
  ) {
    let f = forward(x)
    let n = x.rows
    var value = 0.0
    for i in 0..<n { value += w[i] * (f.logNormalizers[i] - f.logits[i * classCount + labels[i]]) }
    value += penalty()
    let r = residuals(f, labels: labels, scale: w)
    var g: [Double] = []
    g.reserveCapacity(parameterRange(for: block).count)
    if block == .all {
      let delta = Matrix(rows: n, columns: hiddenWidth, elements: hiddenErrors(r, f).errors)
      g += delta.transposeMultiplied(by: x).elements
      g += columnSums(delta.elements, rows: n, columns: hiddenWidth)
    }
    g += r.transposeMultiplied(by: f.hidden).elements
    g += columnSums(r.elements, rows: n, columns: classCount)
    let theta = Array(parameters[parameterRange(for: block)])
    if l2Strength > 0 { VectorMath.axpy(l2Strength, theta, &g) }
    return (value, g)
  }

  /// The exact Hessian-vector product `(∇²J)_BB v` by Pearlmutter's R-operator
  /// (forward-over-reverse differentiation; derivation in Docs/models.md).
  ///
  /// With `v = (V₁, c₁, V₂, c₂)` (for ``ParameterBlock/lastLayer`` `V₁ = 0, c₁ = 0`):
  ///
  ///     R{A} = XV₁ᵀ + 1c₁ᵀ,   R{H} = φ'(A) ⊙ R{A},   R{Z} = R{H}W₂ᵀ + HV₂ᵀ + 1c₂ᵀ
  ///     R{R}_i = ŵ_i (diag(p_i) − p_i p_iᵀ) R{z_i}
  ///     R{∇W₂} = R{R}ᵀH + RᵀR{H},   R{∇b₂} = R{R}ᵀ1
  ///     R{Δ} = (R{R}W₂ + RV₂) ⊙ φ'(A) + (RW₂) ⊙ φ''(A) ⊙ R{A}
  ///     R{∇W₁} = R{Δ}ᵀX,   R{∇b₁} = R{Δ}ᵀ1
  ///
  /// plus `λv`. Cost: about twice a gradient.
  public func hessianVectorProduct(
    _ x: Matrix, labels: [Int], weights: [Double]? = nil, vector v: [Double], block: ParameterBlock = .all
  ) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let range = parameterRange(for: block)
    precondition(v.count == range.count, "vector of length \(v.count) for a block of \(range.count) parameters")
    let w = normalizedWeights(weights, count: x.rows)
    let n = x.rows
    let (d, h, k) = (featureCount, hiddenWidth, classCount)
    let f = forward(x)
    let r = residuals(f, labels: labels, scale: w)
    // Split v into its pieces.
    let tail = block == .all ? lastLayerOffset : 0
    let v2 = Matrix(rows: k, columns: h, elements: Array(v[tail..<(tail + k * h)]))
    let c2 = Array(v[(tail + k * h)..<(tail + k * h + k)])
    // Forward R-pass.
    var rA: [Double] = []
    var rH: Matrix? = nil
    if block == .all {
      let v1 = Matrix(rows: h, columns: d, elements: Array(v[0..<(h * d)]))
      let c1 = Array(v[(h * d)..<(h * d + h)])
      rA = x.multiplied(byTransposeOf: v1, addingToEachRow: c1).elements
      var rh = rA
      activation.multiplyByDerivative(&rh, at: f.preActivations)
      rH = Matrix(rows: n, columns: h, elements: rh)
    }
    var rZ = f.hidden.multiplied(byTransposeOf: v2, addingToEachRow: c2).elements
    if let rH { VectorMath.axpy(1, rH.multiplied(byTransposeOf: outputWeights).elements, &rZ) }
    // R{R}_i = ŵ_i (p_i ⊙ R{z_i} − p_i (p_iᵀ R{z_i})).
    var rR = Array(repeating: 0.0, count: n * k)
    for i in 0..<n {
      var mean = 0.0
      for c in 0..<k { mean += f.probabilities[i * k + c] * rZ[i * k + c] }
      for c in 0..<k { rR[i * k + c] = w[i] * f.probabilities[i * k + c] * (rZ[i * k + c] - mean) }
    }
    let rRMatrix = Matrix(rows: n, columns: k, elements: rR)
    // Backward R-pass.
    var result: [Double] = []
    result.reserveCapacity(range.count)
    var rGW2 = rRMatrix.transposeMultiplied(by: f.hidden).elements
    if let rH {
      VectorMath.axpy(1, r.transposeMultiplied(by: rH).elements, &rGW2)
      let (gh, _) = hiddenErrors(r, f)
      var rDelta = rRMatrix.multiplied(by: outputWeights).elements
      VectorMath.axpy(1, r.multiplied(by: v2).elements, &rDelta)
      for j in rDelta.indices {
        let a = f.preActivations[j]
        rDelta[j] = rDelta[j] * activation.derivative(a) + gh[j] * activation.secondDerivative(a) * rA[j]
      }
      let rDeltaMatrix = Matrix(rows: n, columns: h, elements: rDelta)
      result += rDeltaMatrix.transposeMultiplied(by: x).elements
      result += columnSums(rDelta, rows: n, columns: h)
    }
    result += rGW2
    result += columnSums(rR, rows: n, columns: k)
    if l2Strength > 0 { VectorMath.axpy(l2Strength, v, &result) }
    return result
  }

  /// The Hessian `(∇²J)_BB` of the regularized objective.
  ///
  /// For ``ParameterBlock/lastLayer`` it is the closed form of softmax regression on the hidden
  /// representation `h̃_i = [h_i; 1]`:
  /// `Σ_i ŵ_i (diag(p_i) − p_i p_iᵀ) ⊗ h̃_i h̃_iᵀ + λI` (all `K` classes), assembled from
  /// `K(K+1)/2` weighted Gram matrices (`dsyrk`; one for `K = 2`) and permuted to the flat order
  /// `[vec(W₂), b₂]` (``SoftmaxLayerDerivatives/hessian(weights:)``).
  /// For ``ParameterBlock/all`` it is assembled from exact Hessian-vector products
  /// (``DifferentiableClassifier/hessianFromProducts(_:labels:weights:block:)``).
  public func hessian(_ x: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .all) -> Matrix {
    guard let last = softmaxLayerDerivatives(x, labels: labels, block: block) else {
      return hessianFromProducts(x, labels: labels, weights: weights, block: block)
    }
    return last.hessian(weights: weights)
  }
}
