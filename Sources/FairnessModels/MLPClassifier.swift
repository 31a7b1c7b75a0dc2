public import DenseLinearAlgebra
internal import SeededRandom

/// A one-hidden-layer perceptron with softmax output, with exact per-sample gradients
/// (backpropagation) and exact Hessian-vector products (Pearlmutter's R-operator).
///
/// ## Model
///     a = W₁x + b₁ ∈ ℝʰ,   h = φ(a),   z = W₂h + b₂ ∈ ℝᴷ,   p = softmax(z)
/// with `W₁` (`h x d`), `W₂` (`K x h`) and activation `φ` (``Activation``). The output uses all `K`
/// logits (the usual network parameterization; it is over-parameterized by a common shift of
/// the output biases, which the L2 term removes when `λ > 0`).
///
/// ## Parameters
/// The flat vector is `[vec(W₁), b₁, vec(W₂), b₂]` with matrices row-major, so
/// ``ParameterBlock/lastLayer`` is the trailing `K·h + K` entries (`[vec(W₂), b₂]`).
///
/// ## Objective
/// `J(θ) = Σ w_i ℓ_i / Σ w_i + (λ/2)‖θ‖²` (see ``DifferentiableClassifier``): the L2 penalty
/// applies to **all** parameters, biases included (PyTorch-style weight decay), so the last-layer
/// Hessian is positive definite whenever `λ > 0`.
public struct MLPClassifier: DifferentiableClassifier, Equatable {
  /// The number of input features `d`.
  public let featureCount: Int
  /// The number of hidden units `h`.
  public let hiddenWidth: Int
  /// The number of classes `K >= 2`.
  public let classCount: Int
  /// The hidden-layer nonlinearity.
  public let activation: Activation
  /// The L2 strength `λ >= 0` applied to every parameter.
  public var l2Strength: Double
  /// `W₁`, `h x d`.
  public var hiddenWeights: Matrix
  /// `b₁`, length `h`.
  public var hiddenBiases: [Double]
  /// `W₂`, `K x h`.
  public var outputWeights: Matrix
  /// `b₂`, length `K`.
  public var outputBiases: [Double]

  /// Creates a network with random initial weights drawn from `generator` (biases zero).
  ///
  /// `W₁ ~ N(0, σ²)` with `σ` from ``Activation/initialStandardDeviation(fanIn:)`` (He for ReLU,
  /// LeCun for SeLU and tanh), `W₂ ~ N(0, 1/h)` (LeCun). Entries are drawn row by row, `W₁` then
  /// `W₂`, so a seed determines the network.
  ///
  /// - Precondition: `featureCount >= 1`, `hiddenWidth >= 1`, `classCount >= 2`, `l2Strength >= 0`.
  public init(
    featureCount: Int, hiddenWidth: Int, classCount: Int = 2, activation: Activation = .selu,
    l2Strength: Double = 0, using generator: inout some RandomNumberGenerator
  ) {
    precondition(featureCount >= 1 && hiddenWidth >= 1 && classCount >= 2, "need d >= 1, h >= 1, K >= 2")
    precondition(l2Strength >= 0 && l2Strength.isFinite, "l2Strength must be finite and >= 0")
    self.featureCount = featureCount
    self.hiddenWidth = hiddenWidth
    self.classCount = classCount
    self.activation = activation
    self.l2Strength = l2Strength
    let s1 = activation.initialStandardDeviation(fanIn: featureCount)
    hiddenWeights = Matrix(
      rows: hiddenWidth, columns: featureCount,
      elements: (0..<(hiddenWidth * featureCount)).map { _ in s1 * generator.nextStandardNormal() })
    hiddenBiases = Array(repeating: 0, count: hiddenWidth)
    let s2 = (1 / Double(hiddenWidth)).squareRoot()
    outputWeights = Matrix(
      rows: classCount, columns: hiddenWidth,
      elements: (0..<(classCount * hiddenWidth)).map { _ in s2 * generator.nextStandardNormal() })
    outputBiases = Array(repeating: 0, count: classCount)
  }

  /// `p = h·d + h + K·h + K`.
  public var parameterCount: Int { hiddenWidth * featureCount + hiddenWidth + classCount * hiddenWidth + classCount }

  /// The offset of `vec(W₂)` in the flat vector (`h·d + h`).
  var lastLayerOffset: Int { hiddenWidth * featureCount + hiddenWidth }

  /// `[vec(W₁), b₁, vec(W₂), b₂]`, matrices row-major.
  public var parameters: [Double] {
    get { hiddenWeights.elements + hiddenBiases + outputWeights.elements + outputBiases }
    set {
      precondition(
        newValue.count == parameterCount, "\(newValue.count) parameters for a network with \(parameterCount)")
      var offset = 0
      func take(_ count: Int) -> [Double] {
        defer { offset += count }
        return Array(newValue[offset..<(offset + count)])
      }
      hiddenWeights = Matrix(rows: hiddenWidth, columns: featureCount, elements: take(hiddenWidth * featureCount))
      hiddenBiases = take(hiddenWidth)
      outputWeights = Matrix(rows: classCount, columns: hiddenWidth, elements: take(classCount * hiddenWidth))
      outputBiases = take(classCount)
    }
  }

  /// `0..<p` for ``ParameterBlock/all``; `(h·d + h)..<p` for ``ParameterBlock/lastLayer``.
  public func parameterRange(for block: ParameterBlock) -> Range<Int> {
    block == .all ? 0..<parameterCount : lastLayerOffset..<parameterCount
  }

  /// All ones: every parameter is penalized.
  public func penaltyMask(for block: ParameterBlock) -> [Double] {
    Array(repeating: 1, count: parameterRange(for: block).count)
  }

  // MARK: Forward pass

  /// Pre-activations, hidden activations, logits, probabilities and log-normalizers, all row-major.
  struct Forward {
    var preActivations: [Double]  // n x h (empty when not kept)
    var hidden: Matrix  // n x h
    var logits: [Double]  // n x K
    var probabilities: [Double]  // n x K
    var logNormalizers: [Double]  // n
  }

  /// One forward pass: `A = XW₁ᵀ + 1b₁ᵀ` (`dgemm`), `H = φ(A)`, `Z = HW₂ᵀ + 1b₂ᵀ` (`dgemm` with the
  /// bias accumulated in place). Without `keepingPreActivations` (enough for the last layer's
  /// derivatives) the bias and `φ` are applied to `XW₁ᵀ` in place, row by row, and
  /// `preActivations` is empty.
  ///
  /// With more than one thread configured (``setThreadCount(_:)``) and enough rows, the rows are
  /// split into one chunk per thread and each chunk runs the whole pass on its rows
  /// (``forward(_:keepingPreActivations:chunks:)``); with one thread this serial code runs.
  func forward(_ x: Matrix, keepingPreActivations: Bool = true) -> Forward {
    let chunks = RowChunks.ranges(rows: x.rows, minimumRowsPerChunk: MLPClassifier.forwardBlockRows)
    if chunks.count > 1 { return forward(x, keepingPreActivations: keepingPreActivations, chunks: chunks) }
    let n = x.rows
    var a = x.multiplied(byTransposeOf: hiddenWeights).elements
    let h: [Double]
    if keepingPreActivations {
      let width = hiddenWidth
      for i in 0..<n {
        for j in 0..<width { a[i * width + j] += hiddenBiases[j] }
      }
      h = activation.values(a)
    } else {
      activation.apply(to: &a, addingToEachRow: hiddenBiases)
      (h, a) = (a, [])
    }
    let hidden = Matrix(rows: n, columns: hiddenWidth, elements: h)
    let z = hidden.multiplied(byTransposeOf: outputWeights, addingToEachRow: outputBiases).elements
    let (p, lse) = softmaxRows(z, rows: n, columns: classCount)
    return Forward(preActivations: a, hidden: hidden, logits: z, probabilities: p, logNormalizers: lse)
  }

  /// Rows per block of the row-chunked forward pass: a chunk is processed in blocks of this many
  /// rows, so the block of hidden activations (`100` columns: 400 kB) is still in cache when `φ`,
  /// the output layer and the softmax read it after the `dgemm`.
  static let forwardBlockRows = 512

  /// The forward pass with the rows split into `chunks` run concurrently (``RowChunks``): each chunk
  /// computes, block by block, its rows of `XW₁ᵀ + 1b₁ᵀ`, `φ`, `HW₂ᵀ + 1b₂ᵀ` and the softmax into
  /// its own range of the shared outputs. Row `i`'s arithmetic is that of the serial pass (up to the
  /// order of `dgemm`'s sums and where the bias is added), so the results agree to rounding.
  func forward(_ x: Matrix, keepingPreActivations keep: Bool, chunks: [Range<Int>]) -> Forward {
    let (n, d, h, k) = (x.rows, featureCount, hiddenWidth, classCount)
    let block = MLPClassifier.forwardBlockRows
    var pre = [Double](repeating: 0, count: 0)
    var hidden = [Double](repeating: 0, count: 0)
    var logits = [Double](repeating: 0, count: 0)
    var probabilities = [Double](repeating: 0, count: 0)
    var logNormalizers = [Double](repeating: 0, count: 0)
    // `fill` gets nil for an empty array (whose buffer may have no address).
    func uninitialized(_ count: Int, _ fill: (SharedOutput?) -> Void) -> [Double] {
      [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        fill(buffer.baseAddress.map(SharedOutput.init))
        initialized = count
      }
    }
    // Every entry of each output is written by exactly one chunk.
    pre = uninitialized(keep ? n * h : 0) { preOut in
      hidden = uninitialized(n * h) { hiddenOut in
        logits = uninitialized(n * k) { logitOut in
          probabilities = uninitialized(n * k) { probabilityOut in
            logNormalizers = uninitialized(n) { normalizerOut in
              RowChunks.forEach(chunks) { _, range in
                x.elements.withUnsafeBufferPointer { px in
                  var start = range.lowerBound
                  while start < range.upperBound {
                    let rows = Swift.min(block, range.upperBound - start)
                    let xs = px.baseAddress! + start * d
                    let hs = hiddenOut!.base + start * h
                    if keep {
                      let a = preOut!.base + start * h
                      Matrix.multiplyRows(
                        xs, rows: rows, byTransposeOf: hiddenWeights, addingToEachRow: hiddenBiases, into: a)
                      activation.apply(from: a, to: hs, count: rows * h)
                    } else {
                      Matrix.multiplyRows(xs, rows: rows, byTransposeOf: hiddenWeights, addingToEachRow: nil, into: hs)
                      activation.apply(toRows: hs, count: rows, addingToEachRow: hiddenBiases)
                    }
                    let zs = logitOut!.base + start * k
                    Matrix.multiplyRows(
                      hs, rows: rows, byTransposeOf: outputWeights, addingToEachRow: outputBiases, into: zs)
                    softmaxRows(
                      zs, rows: rows, columns: k, probabilities: probabilityOut!.base + start * k,
                      logNormalizers: normalizerOut!.base + start)
                    start += rows
                  }
                }
              }
            }
          }
        }
      }
    }
    return Forward(
      preActivations: pre, hidden: Matrix(rows: n, columns: h, elements: hidden), logits: logits,
      probabilities: probabilities, logNormalizers: logNormalizers)
  }

  /// The hidden representation `φ(W₁x_i + b₁)` of each row, `n x h`: the features the last layer
  /// is a softmax regression on.
  public func hiddenRepresentation(_ x: Matrix) -> Matrix {
    precondition(x.columns == featureCount, "features have \(x.columns) columns, model expects \(featureCount)")
    return forward(x, keepingPreActivations: false).hidden
  }

  /// The predicted class probabilities, `n x K`.
  public func probabilities(_ x: Matrix) -> Matrix {
    precondition(x.columns == featureCount, "features have \(x.columns) columns, model expects \(featureCount)")
    return Matrix(rows: x.rows, columns: classCount, elements: forward(x, keepingPreActivations: false).probabilities)
  }

  /// `ℓ_i = log Σ_k exp(z_ik) − z_{i,y_i}`.
  public func perSampleLosses(_ x: Matrix, labels: [Int]) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let f = forward(x, keepingPreActivations: false)
    return labels.indices.map { f.logNormalizers[$0] - f.logits[$0 * classCount + labels[$0]] }
  }

  /// `R = diag(scale)(P − Y)`, `n x K`.
  func residuals(_ f: Forward, labels: [Int], scale: [Double]?) -> Matrix {
    let k = classCount
    var r = f.probabilities
    for i in labels.indices {
      r[i * k + labels[i]] -= 1
      if let scale {
        for c in 0..<k { r[i * k + c] *= scale[i] }
      }
    }
    return Matrix(rows: labels.count, columns: k, elements: r)
  }

  /// `D = (R W₂) ⊙ φ'(A)`: the back-propagated error at the hidden pre-activations, `n x h`.
  func hiddenErrors(_ r: Matrix, _ f: Forward) -> (gradientAtHidden: [Double], errors: [Double]) {
    let gh = r.multiplied(by: outputWeights).elements
    var d = gh
    activation.multiplyByDerivative(&d, at: f.preActivations)
    return (gh, d)
  }
}
