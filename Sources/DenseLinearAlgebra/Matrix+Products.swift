internal import CBLAS

extension Matrix {
  /// The matrix product `AB`. The corresponding BLAS routine is `dgemm`.
  ///
  /// - Precondition: `columns == other.rows`.
  public func multiplied(by other: Matrix) -> Matrix {
    Matrix.product(self, transposingFirst: false, other, transposingSecond: false)
  }

  /// The matrix product `AᵀB` without forming `Aᵀ`. The corresponding BLAS routine is `dgemm`.
  ///
  /// - Precondition: `rows == other.rows`.
  public func transposeMultiplied(by other: Matrix) -> Matrix {
    Matrix.product(self, transposingFirst: true, other, transposingSecond: false)
  }

  /// The matrix product `ABᵀ` without forming `Bᵀ`. The corresponding BLAS routine is `dgemm`.
  ///
  /// - Precondition: `columns == other.columns`.
  public func multiplied(byTransposeOf other: Matrix) -> Matrix {
    Matrix.product(self, transposingFirst: false, other, transposingSecond: true)
  }

  /// The matrix product `AB` (same as ``multiplied(by:)``).
  public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.multiplied(by: rhs) }

  /// `α · op(A) · op(B)` where `op` optionally transposes. The corresponding BLAS routine is `dgemm`,
  /// or `dgemv` when the result is a single row or column (then `op(A)` or `op(B)` is a contiguous
  /// vector, and `dgemv` reads the matrix once without `dgemm`'s packing copy).
  ///
  /// - Precondition: the inner dimensions of `op(A)` and `op(B)` agree.
  public static func product(
    _ a: Matrix, transposingFirst transA: Bool, _ b: Matrix, transposingSecond transB: Bool,
    scaledBy alpha: Double = 1
  ) -> Matrix {
    let (m, n) = (transA ? a.columns : a.rows, transB ? b.rows : b.columns)
    var c = Matrix(rows: m, columns: n)
    accumulateProduct(a, transposingFirst: transA, b, transposingSecond: transB, scaledBy: alpha, into: &c)
    return c
  }

  /// `A Bᵀ + 1 biasᵀ`: the product with `bias` added to every row (an affine layer `x ↦ Bx + bias`
  /// applied to each row of `A`). The rows of the result are filled with `bias` and the product is
  /// accumulated onto them by `dgemm` (`β = 1`; `dgemv` for a single output column), so no
  /// separate pass adds the bias.
  ///
  /// - Precondition: `columns == other.columns`, `bias.count == other.rows`.
  public func multiplied(byTransposeOf other: Matrix, addingToEachRow bias: [Double]) -> Matrix {
    precondition(bias.count == other.rows, "bias of length \(bias.count) for \(other.rows) output columns")
    let width = other.rows
    let storage = [Double](unsafeUninitializedCapacity: rows * width) { buffer, initialized in
      bias.withUnsafeBufferPointer { b in
        guard let to = buffer.baseAddress, let from = b.baseAddress else { return }
        for i in 0..<rows { (to + i * width).initialize(from: from, count: width) }
      }
      initialized = rows * width
    }
    var c = Matrix(rows: rows, columns: width, elements: storage)
    Matrix.accumulateProduct(self, transposingFirst: false, other, transposingSecond: true, scaledBy: 1, into: &c)
    return c
  }

  /// `C = A Bᵀ` (`+ 1 biasᵀ` if `bias` is given) for a row-major `rows x B.columns` array `A` and a
  /// row-major `rows x B.rows` output `C`, both given by pointer: the per-chunk kernel of
  /// row-chunked callers (``RowChunks``), e.g. rows `i₀..<i₁` of a layer's output (`C` may be
  /// uninitialized). `dgemm` (`β = 1` onto rows filled with the bias, `β = 0` without), `dgemv`
  /// for one output column.
  package static func multiplyRows(
    _ a: UnsafePointer<Double>, rows: Int, byTransposeOf b: Matrix, addingToEachRow bias: [Double]?,
    into c: UnsafeMutablePointer<Double>
  ) {
    let (k, width) = (b.columns, b.rows)
    precondition(bias == nil || bias!.count == width, "bias of length \(bias!.count) for \(width) output columns")
    guard rows > 0, width > 0 else { return }
    if let bias {
      bias.withUnsafeBufferPointer { from in
        for i in 0..<rows { (c + i * width).update(from: from.baseAddress!, count: width) }
      }
    }
    // Without a bias, dgemm overwrites C (β = 0, C never read); the dgemv cases and k = 0 need zeros.
    let overwrite = bias == nil && width > 1 && rows > 1 && k > 0
    if bias == nil && !overwrite { c.update(repeating: 0, count: rows * width) }
    guard k > 0 else { return }
    b.withStorage { pb in
      gemm(
        false, true, m: rows, n: width, k: k, alpha: 1, a, lda: rowMajorLeadingDimension(columns: k), pb.baseAddress!,
        ldb: rowMajorLeadingDimension(columns: k), beta: overwrite ? 0 : 1, c,
        ldc: rowMajorLeadingDimension(columns: width))
    }
  }

  /// `C ← α · op(A) · op(B) + C` (`dgemm` with `β = 1`, or `dgemv` for a single row or column).
  ///
  /// With more than one thread configured (``RowChunks``) a tall product is split across threads:
  /// `A op(B)` by rows of `A` (each chunk writes its rows of `C`), and `Aᵀ op(B)` with a small
  /// result (at most ``chunkedTransposeProductLimit`` entries) over the shared dimension, one
  /// partial product per chunk added to `C` in chunk order. Otherwise one BLAS call.
  static func accumulateProduct(
    _ a: Matrix, transposingFirst transA: Bool, _ b: Matrix, transposingSecond transB: Bool,
    scaledBy alpha: Double, into c: inout Matrix
  ) {
    let m = transA ? a.columns : a.rows
    let k = transA ? a.rows : a.columns
    let kB = transB ? b.columns : b.rows
    let n = transB ? b.rows : b.columns
    precondition(k == kB, "product of op(A) \(m) x \(k) and op(B) \(kB) x \(n): inner dimensions differ")
    precondition(c.rows == m && c.columns == n, "product of shape \(m) x \(n) into a \(c.rows) x \(c.columns) matrix")
    guard m > 0, n > 0, k > 0 else { return }
    let lda = rowMajorLeadingDimension(columns: a.columns)
    let ldb = rowMajorLeadingDimension(columns: b.columns)
    let ldc = rowMajorLeadingDimension(columns: n)
    let (ia, ib) = (Int(lda), Int(ldb))
    let chunks =
      !transA
      ? RowChunks.ranges(rows: m, minimumRowsPerChunk: productChunkRows)
      : (m * n <= chunkedTransposeProductLimit ? RowChunks.ranges(rows: k, minimumRowsPerChunk: productChunkRows) : [])
    if chunks.count > 1 && !transA {
      // Rows of C from rows of A.
      c.withMutableStorage { pc in
        let out = SharedOutput(pc.baseAddress!)
        RowChunks.forEach(chunks) { _, range in
          a.withStorage { pa in
            b.withStorage { pb in
              gemm(
                false, transB, m: range.count, n: n, k: k, alpha: alpha, pa.baseAddress! + range.lowerBound * ia,
                lda: lda,
                pb.baseAddress!, ldb: ldb, out.base + range.lowerBound * n, ldc: ldc)
            }
          }
        }
      }
      return
    }
    if chunks.count > 1 {
      // Aᵀ op(B) over chunks of the shared dimension (rows of A; rows of B, or columns of Bᵀ).
      var partials = [Double](repeating: 0, count: chunks.count * m * n)
      partials.withUnsafeMutableBufferPointer { pp in
        let out = SharedOutput(pp.baseAddress!)
        RowChunks.forEach(chunks) { index, range in
          a.withStorage { pa in
            b.withStorage { pb in
              let bStart = transB ? range.lowerBound : range.lowerBound * ib
              gemm(
                true, transB, m: m, n: n, k: range.count, alpha: alpha, pa.baseAddress! + range.lowerBound * ia,
                lda: lda,
                pb.baseAddress! + bStart, ldb: ldb, out.base + index * m * n, ldc: ldc)
            }
          }
        }
      }
      c.withMutableStorage { pc in
        for index in chunks.indices {
          for j in 0..<(m * n) { pc[j] += partials[index * m * n + j] }
        }
      }
      return
    }
    // An unsplit product uses OpenBLAS's threads only if large enough to gain from them.
    RowChunks.withBLASThreads(threaded: m * n * k > singleThreadedProductLimit) {
      a.withStorage { pa in
        b.withStorage { pb in
          c.withMutableStorage { pc in
            gemm(
              transA, transB, m: m, n: n, k: k, alpha: alpha, pa.baseAddress!, lda: lda, pb.baseAddress!, ldb: ldb,
              pc.baseAddress!, ldc: ldc)
          }
        }
      }
    }
  }

  /// Rows per chunk (at least) when a product is split across threads.
  static let productChunkRows = 2048
  /// The largest product (`m·n·k`) that, unsplit, runs with OpenBLAS on one thread
  /// (``RowChunks/withBLASThreads(threaded:_:)``; about a millisecond of work).
  static let singleThreadedProductLimit = 1 << 22
  /// The largest `Aᵀ op(B)` (entries) computed as per-chunk partial products.
  static let chunkedTransposeProductLimit = 1 << 16

  /// `C ← α · op(A) · op(B) + βC` for `op(A)` `m x k`, `op(B)` `k x n` (all row-major with the given
  /// leading dimensions): `dgemm`, or `dgemv` when `n = 1` or `m = 1` (then `op(B)`, resp. `op(A)`,
  /// is a vector), which reads the matrix once without `dgemm`'s packing copy.
  static func gemm(
    _ transA: Bool, _ transB: Bool, m: Int, n: Int, k: Int, alpha: Double, _ pa: UnsafePointer<Double>, lda: Int32,
    _ pb: UnsafePointer<Double>, ldb: Int32, beta: Double = 1, _ pc: UnsafeMutablePointer<Double>, ldc: Int32
  ) {
    if n == 1 {
      // c = op(A) b: A is stored m x k (k x m if transposed); b has stride ldb (B is k x 1) or 1.
      let (rows, columns) = transA ? (k, m) : (m, k)
      cblas_dgemv(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, cInt(rows), cInt(columns), alpha, pa, lda, pb,
        transB ? 1 : ldb, beta, pc, ldc)
    } else if m == 1 {
      // cᵀ = op(B)ᵀ aᵀ: B is stored k x n (n x k if transposed); a has stride lda (Aᵀ is k x 1) or 1.
      let (rows, columns) = transB ? (n, k) : (k, n)
      cblas_dgemv(
        CblasRowMajor, transB ? CblasNoTrans : CblasTrans, cInt(rows), cInt(columns), alpha, pb, ldb, pa,
        transA ? lda : 1, beta, pc, 1)
    } else {
      cblas_dgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, cInt(m), cInt(n),
        cInt(k), alpha, pa, lda, pb, ldb, beta, pc, ldc)
    }
  }

  /// The matrix-vector product `Ax`. The corresponding BLAS routine is `dgemv`.
  ///
  /// - Precondition: `x.count == columns`.
  public func applied(to x: [Double]) -> [Double] {
    precondition(x.count == columns, "applying a \(rows) x \(columns) matrix to a vector of length \(x.count)")
    return gemv(transposed: false, x)
  }

  /// The product `Aᵀx` without forming `Aᵀ`. The corresponding BLAS routine is `dgemv`.
  ///
  /// - Precondition: `x.count == rows`.
  public func transposeApplied(to x: [Double]) -> [Double] {
    precondition(
      x.count == rows, "applying the transpose of a \(rows) x \(columns) matrix to a vector of length \(x.count)")
    return gemv(transposed: true, x)
  }

  /// `op(A) x` through ``accumulateProduct(_:transposingFirst:_:transposingSecond:scaledBy:into:)``
  /// (`dgemv`; split across threads like any tall product).
  private func gemv(transposed: Bool, _ x: [Double]) -> [Double] {
    var y = Matrix(rows: transposed ? columns : rows, columns: 1)
    guard rows > 0, columns > 0 else { return y.elements }
    Matrix.accumulateProduct(
      self, transposingFirst: transposed, Matrix(rows: x.count, columns: 1, elements: x), transposingSecond: false,
      scaledBy: 1, into: &y)
    return y.elements
  }

  /// The Gram matrix `AᵀA` (`columns x columns`, symmetric, both triangles filled).
  ///
  /// The corresponding BLAS routine is `dsyrk`, which computes one triangle in about half the
  /// flops of `dgemm`; the other triangle is mirrored.
  public func gram() -> Matrix {
    let n = columns
    var c = Matrix(rows: n, columns: n)
    guard n > 0, rows > 0 else { return c }
    let lda = rowMajorLeadingDimension(columns: columns)
    let ldc = rowMajorLeadingDimension(columns: n)
    let (cn, ck) = (cInt(n), cInt(rows))
    RowChunks.withBLASThreads(threaded: rows * n * n > Matrix.singleThreadedProductLimit) {
      withStorage { pa in
        c.withMutableStorage { pc in
          cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, cn, ck, 1, pa.baseAddress, lda, 0, pc.baseAddress, ldc)
        }
      }
    }
    c.mirrorLowerTriangle()
    return c
  }

  /// The weighted Gram matrix `AᵀWA = Σ_i w_i a_i a_iᵀ` with `W = diag(weights)` and `a_i` the rows.
  ///
  /// With non-negative weights it accumulates `dsyrk` over blocks of rows scaled by `√w_i` into
  /// one small reused buffer (``weightedGramBlockRows`` rows, so the block stays in cache and no
  /// scaled copy of `A` is made); if any weight is negative it computes `Aᵀ(WA)` with `dgemm` and
  /// symmetrizes. With more than one thread configured (``RowChunks``) each thread accumulates the
  /// blocks of its own chunk of rows into a partial Gram, and the partials are added in chunk order.
  ///
  /// - Precondition: `weights.count == rows`.
  public func weightedGram(_ weights: [Double]) -> Matrix {
    weightedGram(weights, appendingOnes: false)
  }

  /// `ÃᵀWÃ` for `Ã = [A, 1]` (a column of ones appended, e.g. for an intercept):
  /// `[AᵀWA, AᵀW1; 1ᵀWA, Σw]`, `(columns + 1)²`, computed like ``weightedGram(_:)`` with the
  /// ones column added only inside each block (`Ã` is never formed), so the intercept row and
  /// corner come from the same `dsyrk`.
  ///
  /// - Precondition: `weights.count == rows`.
  public func weightedGramWithOnes(_ weights: [Double]) -> Matrix {
    weightedGram(weights, appendingOnes: true)
  }

  func weightedGram(_ weights: [Double], appendingOnes: Bool) -> Matrix {
    precondition(weights.count == rows, "\(weights.count) weights for \(rows) rows")
    guard weights.allSatisfy({ $0 >= 0 }) else {
      let a = appendingOnes ? appendingColumn([Double](repeating: 1, count: rows)) : self
      return a.transposeMultiplied(by: a.rowsScaled(by: weights)).symmetrized()
    }
    let (width, extra) = (columns, appendingOnes ? 1 : 0)
    let n = width + extra
    var c = Matrix(rows: n, columns: n)
    guard n > 0, rows > 0 else { return c }
    let chunks = RowChunks.ranges(rows: rows, minimumRowsPerChunk: Matrix.weightedGramBlockRows)
    if chunks.count == 1 {
      RowChunks.withBLASThreads(threaded: rows * n * n > Matrix.singleThreadedProductLimit) {
        c.withMutableStorage { pc in
          accumulateWeightedGram(rows: 0..<rows, weights, appendingOnes: appendingOnes, into: pc.baseAddress!)
        }
      }
    } else {
      // One partial Gram per chunk, computed concurrently, then summed in chunk order.
      var partials = [Double](repeating: 0, count: chunks.count * n * n)
      partials.withUnsafeMutableBufferPointer { pp in
        let out = SharedOutput(pp.baseAddress!)
        RowChunks.forEach(chunks) { index, range in
          self.accumulateWeightedGram(
            rows: range, weights, appendingOnes: appendingOnes, into: out.base + index * n * n)
        }
      }
      c.withMutableStorage { pc in
        partials.withUnsafeBufferPointer { pp in
          for j in 0..<(n * n) {
            var sum = pp[j]
            for index in 1..<chunks.count { sum += pp[index * n * n + j] }
            pc[j] = sum
          }
        }
      }
    }
    c.mirrorLowerTriangle()
    return c
  }

  /// Writes the lower triangle of `Σ_{i ∈ range} w_i ã_i ã_iᵀ` (`ã_i` row `i`, with a trailing 1
  /// if `appendingOnes`) to the `n x n` row-major `c`, by `dsyrk` over blocks of
  /// ``weightedGramBlockRows`` rows scaled by `√w_i` in one reused buffer.
  private func accumulateWeightedGram(
    rows range: Range<Int>, _ weights: [Double], appendingOnes: Bool, into c: UnsafeMutablePointer<Double>
  ) {
    let width = columns
    let n = width + (appendingOnes ? 1 : 0)
    let blockRows = Swift.min(range.count, Matrix.weightedGramBlockRows)
    var block = [Double](repeating: 0, count: blockRows * n)
    let lda = rowMajorLeadingDimension(columns: n)
    let cn = cInt(n)
    withStorage { pa in
      block.withUnsafeMutableBufferPointer { pb in
        var start = range.lowerBound
        while start < range.upperBound {
          let count = Swift.min(blockRows, range.upperBound - start)
          for i in 0..<count {
            let f = weights[start + i].squareRoot()
            let (from, to) = ((start + i) * width, i * n)
            for j in 0..<width { pb[to + j] = f * pa[from + j] }
            if appendingOnes { pb[to + width] = f }
          }
          cblas_dsyrk(
            CblasRowMajor, CblasLower, CblasTrans, cn, cInt(count), 1, pb.baseAddress, lda,
            start == range.lowerBound ? 0 : 1, c, lda)
          start += count
        }
      }
    }
  }

  /// Rows per block in ``weightedGram(_:)`` (a block of 100 columns is 1.6 MB, within L2).
  static let weightedGramBlockRows = 2048

  /// Multiplies row `i` by `factors[i]` in place (`A ← diag(factors) A`).
  ///
  /// - Precondition: `factors.count == rows`.
  public mutating func scaleRows(by factors: [Double]) {
    precondition(factors.count == rows, "\(factors.count) factors for \(rows) rows")
    let width = columns
    withMutableStorage { p in
      for i in 0..<factors.count {
        let f = factors[i]
        for j in (i * width)..<((i + 1) * width) { p[j] *= f }
      }
    }
  }

  /// `diag(factors) A` as a new matrix, written in one pass (no copy-then-scale).
  ///
  /// - Precondition: `factors.count == rows`.
  public func rowsScaled(by factors: [Double]) -> Matrix {
    precondition(factors.count == rows, "\(factors.count) factors for \(rows) rows")
    let width = columns
    let storage = [Double](unsafeUninitializedCapacity: rows * width) { out, initialized in
      withStorage { p in
        for i in 0..<rows {
          let f = factors[i]
          for j in (i * width)..<((i + 1) * width) { out[j] = f * p[j] }
        }
      }
      initialized = rows * width
    }
    return Matrix(rows: rows, columns: width, elements: storage)
  }

  /// Copies the lower triangle onto the upper one (square matrices only).
  mutating func mirrorLowerTriangle() {
    let n = rows
    withMutableStorage { p in
      for i in 0..<n {
        for j in (i + 1)..<Swift.max(i + 1, n) { p[i * n + j] = p[j * n + i] }
      }
    }
  }
}
