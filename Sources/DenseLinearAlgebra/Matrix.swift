/// A dense matrix of `Double`s stored in **row-major** order.
///
/// Element `(i, j)` (0-based row `i`, column `j`) lives at `elements[i * columns + j]`, so each
/// row is contiguous; this matches how data sets are laid out (one sample per row). Every BLAS
/// call is made with `CblasRowMajor` and every LAPACKE call with `LAPACK_ROW_MAJOR`, with leading
/// dimension `max(1, columns)`.
///
/// `Matrix` is a value type; copies share storage until one of them is mutated (copy-on-write
/// comes from `Array`). Shapes may be zero in either dimension.
///
/// Shape agreement between operands is a **precondition** of every operation (BLAS silently does
/// nothing on inconsistent dimensions, so we check in Swift first); use
/// ``init(rowArrays:)`` when shapes come from user data and should produce a thrown
/// ``LinearAlgebraError/shapeMismatch(_:)`` instead.
public struct Matrix: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// The number of rows.
  public let rows: Int
  /// The number of columns.
  public let columns: Int
  /// The entries in row-major order: `elements[i * columns + j]` is entry `(i, j)`.
  public private(set) var elements: [Double]

  /// Creates a `rows x columns` matrix with every entry equal to `value`.
  ///
  /// - Precondition: `rows >= 0`, `columns >= 0`.
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "negative shape \(rows) x \(columns)")
    self.rows = rows
    self.columns = columns
    self.elements = Array(repeating: value, count: rows * columns)
  }

  /// Creates a `rows x columns` matrix from its entries in row-major order.
  ///
  /// - Precondition: `elements.count == rows * columns`.
  public init(rows: Int, columns: Int, elements: [Double]) {
    precondition(rows >= 0 && columns >= 0, "negative shape \(rows) x \(columns)")
    precondition(
      elements.count == rows * columns,
      "\(elements.count) elements cannot fill a \(rows) x \(columns) matrix")
    self.rows = rows
    self.columns = columns
    self.elements = elements
  }

  /// Creates a matrix from an array of rows, validating that they have equal length.
  ///
  /// Use this initializer for user-supplied data: ragged input is reported as an error rather than
  /// trapping. An empty array gives a `0 x 0` matrix.
  ///
  /// - Throws: ``LinearAlgebraError/shapeMismatch(_:)`` if the rows differ in length.
  public init(rowArrays: [[Double]]) throws(LinearAlgebraError) {
    let width = rowArrays.first?.count ?? 0
    var storage: [Double] = []
    storage.reserveCapacity(rowArrays.count * width)
    for (index, row) in rowArrays.enumerated() {
      guard row.count == width else {
        throw .shapeMismatch("row \(index) has \(row.count) entries, row 0 has \(width)")
      }
      storage.append(contentsOf: row)
    }
    self.init(rows: rowArrays.count, columns: width, elements: storage)
  }

  /// Creates a square diagonal matrix whose diagonal is `diagonal`.
  public init(diagonal: [Double]) {
    let n = diagonal.count
    self.init(rows: n, columns: n)
    for i in 0..<n { elements[i * n + i] = diagonal[i] }
  }

  /// Creates a matrix with a single column (a column vector).
  public init(column: [Double]) {
    self.init(rows: column.count, columns: 1, elements: column)
  }

  /// The `n x n` identity matrix.
  public static func identity(_ n: Int) -> Matrix {
    Matrix(diagonal: Array(repeating: 1, count: n))
  }

  /// Whether the matrix has as many rows as columns.
  public var isSquare: Bool { rows == columns }

  /// Entry `(row, column)`, 0-based.
  ///
  /// - Precondition: `0 <= row < rows`, `0 <= column < columns`.
  public subscript(row: Int, column: Int) -> Double {
    get {
      precondition(
        row >= 0 && row < rows && column >= 0 && column < columns,
        "index (\(row), \(column)) out of \(rows) x \(columns)")
      return elements[row * columns + column]
    }
    set {
      precondition(
        row >= 0 && row < rows && column >= 0 && column < columns,
        "index (\(row), \(column)) out of \(rows) x \(columns)")
      elements[row * columns + column] = newValue
    }
  }

  /// Row `i` as an array of `columns` entries.
  public func row(_ i: Int) -> [Double] {
    precondition(i >= 0 && i < rows, "row \(i) out of 0..<\(rows)")
    return Array(elements[(i * columns)..<((i + 1) * columns)])
  }

  /// Column `j` as an array of `rows` entries.
  public func column(_ j: Int) -> [Double] {
    precondition(j >= 0 && j < columns, "column \(j) out of 0..<\(columns)")
    return (0..<rows).map { elements[$0 * columns + j] }
  }

  /// The matrix made of the listed rows, in the listed order (repeats allowed); used for
  /// mini-batches and subsets.
  public func rows(_ indices: some Collection<Int>) -> Matrix { rows(Array(indices)) }

  /// The matrix made of the listed rows (``rows(_:)-(Collection<Int>)`` for an array, without
  /// generic dispatch per index; rows are copied with `memcpy`, or element by element when they
  /// are too short for a call to pay off).
  public func rows(_ indices: [Int]) -> Matrix {
    let width = columns
    let count = indices.count
    let storage = [Double](unsafeUninitializedCapacity: count * width) { buffer, initialized in
      elements.withUnsafeBufferPointer { source in
        indices.withUnsafeBufferPointer { list in
          guard let from = source.baseAddress, let to = buffer.baseAddress else { return }
          for k in 0..<count {
            let i = list[k]
            precondition(i >= 0 && i < rows, "row \(i) out of 0..<\(rows)")
            if width >= 16 {
              (to + k * width).initialize(from: from + i * width, count: width)
            } else {
              for j in 0..<width { (to + k * width + j).initialize(to: from[i * width + j]) }
            }
          }
        }
      }
      initialized = count * width
    }
    return Matrix(rows: count, columns: width, elements: storage)
  }

  /// The matrix with `values` appended as a new last column (for example a column of ones for an
  /// intercept).
  ///
  /// - Precondition: `values.count == rows`.
  public func appendingColumn(_ values: [Double]) -> Matrix {
    precondition(values.count == rows, "column of \(values.count) entries for \(rows) rows")
    let (n, width) = (rows, columns)
    let storage = [Double](unsafeUninitializedCapacity: n * (width + 1)) { buffer, initialized in
      elements.withUnsafeBufferPointer { source in
        guard let to = buffer.baseAddress else { return }
        for i in 0..<n {
          if let from = source.baseAddress { (to + i * (width + 1)).initialize(from: from + i * width, count: width) }
          (to + i * (width + 1) + width).initialize(to: values[i])
        }
      }
      initialized = n * (width + 1)
    }
    return Matrix(rows: n, columns: width + 1, elements: storage)
  }

  /// The transpose `Aᵀ` (`columns x rows`).
  public func transposed() -> Matrix {
    var result = Matrix(rows: columns, columns: rows)
    for i in 0..<rows {
      for j in 0..<columns {
        result.elements[j * rows + i] = elements[i * columns + j]
      }
    }
    return result
  }

  /// The main diagonal, `min(rows, columns)` entries.
  public var diagonal: [Double] {
    (0..<Swift.min(rows, columns)).map { elements[$0 * columns + $0] }
  }

  /// The sum of the diagonal entries.
  public var trace: Double { diagonal.reduce(0, +) }

  /// Whether every entry is finite (no NaN, no infinity).
  public var isFinite: Bool { elements.allSatisfy(\.isFinite) }

  /// `A + B`, entrywise. - Precondition: equal shapes.
  public func adding(_ other: Matrix) -> Matrix {
    precondition(
      rows == other.rows && columns == other.columns, "adding \(other.rows) x \(other.columns) to \(rows) x \(columns)")
    var result = self
    VectorMath.axpy(1, other.elements, &result.elements)
    return result
  }

  /// `A − B`, entrywise. - Precondition: equal shapes.
  public func subtracting(_ other: Matrix) -> Matrix {
    precondition(
      rows == other.rows && columns == other.columns,
      "subtracting \(other.rows) x \(other.columns) from \(rows) x \(columns)")
    var result = self
    VectorMath.axpy(-1, other.elements, &result.elements)
    return result
  }

  /// `αA`.
  public func scaled(by alpha: Double) -> Matrix {
    Matrix(rows: rows, columns: columns, elements: elements.map { alpha * $0 })
  }

  /// `A + δI` (adds `delta` to every diagonal entry). - Precondition: square.
  public func addingToDiagonal(_ delta: Double) -> Matrix {
    precondition(isSquare, "addingToDiagonal on a \(rows) x \(columns) matrix")
    var result = self
    for i in 0..<rows { result.elements[i * columns + i] += delta }
    return result
  }

  /// The matrix obtained by applying `transform` to every entry.
  public func map(_ transform: (Double) throws -> Double) rethrows -> Matrix {
    Matrix(rows: rows, columns: columns, elements: try elements.map(transform))
  }

  /// Whether `|A[i,j] − A[j,i]| <= tolerance · max(1, |A[i,j]|)` for all `i, j`.
  public func isSymmetric(tolerance: Double = 0) -> Bool {
    guard isSquare else { return false }
    for i in 0..<rows {
      for j in (i + 1)..<Swift.max(i + 1, columns) {
        let a = elements[i * columns + j]
        let b = elements[j * columns + i]
        if abs(a - b) > tolerance * Swift.max(1, abs(a)) { return false }
      }
    }
    return true
  }

  /// `(A + Aᵀ)/2`. - Precondition: square.
  public func symmetrized() -> Matrix {
    precondition(isSquare, "symmetrized on a \(rows) x \(columns) matrix")
    var result = self
    for i in 0..<rows {
      for j in (i + 1)..<Swift.max(i + 1, columns) {
        let mean = 0.5 * (elements[i * columns + j] + elements[j * columns + i])
        result.elements[i * columns + j] = mean
        result.elements[j * columns + i] = mean
      }
    }
    return result
  }

  /// The largest absolute entry (0 for an empty matrix).
  public var maxAbsoluteValue: Double { elements.reduce(0) { Swift.max($0, abs($1)) } }

  /// A multi-line rendering, one row per line.
  public var description: String {
    "Matrix(\(rows) x \(columns))"
      + (0..<rows).map { i in
        "\n  " + row(i).map { "\($0)" }.joined(separator: " ")
      }.joined()
  }

  // MARK: Internal storage access for the BLAS/LAPACK wrappers.

  /// Read-only pointer access to the row-major storage (used only by wrappers in this module).
  @inline(__always)
  func withStorage<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
    try elements.withUnsafeBufferPointer(body)
  }

  /// Mutable pointer access to the row-major storage (used only by wrappers in this module).
  @inline(__always)
  mutating func withMutableStorage<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
    try elements.withUnsafeMutableBufferPointer { try body($0) }
  }
}
