import DenseLinearAlgebra
import Testing
import _TestSupport

@Suite("Matrix storage and products")
struct MatrixTests {
  let a = Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
  let b = Matrix(rows: 3, columns: 2, elements: [7, 8, 9, 10, 11, 12])

  @Test func rowMajorStorageAndSubscript() {
    #expect(a[0, 2] == 3)
    #expect(a[1, 0] == 4)
    #expect(a.row(1) == [4, 5, 6])
    #expect(a.column(1) == [2, 5])
    #expect(a.transposed() == Matrix(rows: 3, columns: 2, elements: [1, 4, 2, 5, 3, 6]))
    #expect(Matrix.identity(2) == Matrix(rows: 2, columns: 2, elements: [1, 0, 0, 1]))
    #expect(a.rows([1, 1, 0]) == Matrix(rows: 3, columns: 3, elements: [4, 5, 6, 4, 5, 6, 1, 2, 3]))
    #expect(a.appendingColumn([9, 8]) == Matrix(rows: 2, columns: 4, elements: [1, 2, 3, 9, 4, 5, 6, 8]))
  }

  @Test func raggedRowsThrowShapeMismatch() throws {
    #expect(throws: LinearAlgebraError.self) { try Matrix(rowArrays: [[1, 2], [3]]) }
    let m = try Matrix(rowArrays: [[1, 2], [3, 4]])
    #expect(m.elements == [1, 2, 3, 4])
  }

  @Test func handComputedProducts() {
    // [1 2 3; 4 5 6] [7 8; 9 10; 11 12] = [58 64; 139 154]
    #expect(a.multiplied(by: b) == Matrix(rows: 2, columns: 2, elements: [58, 64, 139, 154]))
    #expect(a * b == a.multiplied(by: b))
    // AᵀA = [17 22 27; 22 29 36; 27 36 45]
    let gram = Matrix(rows: 3, columns: 3, elements: [17, 22, 27, 22, 29, 36, 27, 36, 45])
    #expect(a.gram() == gram)
    #expect(a.transposeMultiplied(by: a) == gram)
    #expect(a.multiplied(byTransposeOf: a) == Matrix(rows: 2, columns: 2, elements: [14, 32, 32, 77]))
    #expect(a.applied(to: [1, 0, -1]) == [-2, -2])
    #expect(a.transposeApplied(to: [1, -1]) == [-3, -3, -3])
    // AᵀWA with W = diag(2, 3): 2·[1 2 3]ᵀ[1 2 3] + 3·[4 5 6]ᵀ[4 5 6]
    let weighted = a.weightedGram([2, 3])
    // (√w scaling for dsyrk rounds, so compare to a few ulps.)
    #expect(mismatch(weighted.elements, [50, 64, 78, 64, 83, 102, 78, 102, 126], absolute: 0, relative: 1e-14) == nil)
    // A negative weight takes the dgemm path: 1·r0r0ᵀ − 1·r1r1ᵀ.
    #expect(
      a.weightedGram([1, -1]) == Matrix(rows: 3, columns: 3, elements: [-15, -18, -21, -18, -21, -24, -21, -24, -27]))
  }

  @Test func vectorHelpers() {
    #expect(VectorMath.dot([1, 2, 3], [4, 5, 6]) == 32)
    var y = [1.0, 1, 1]
    VectorMath.axpy(2, [1, 2, 3], &y)
    #expect(y == [3, 5, 7])
    #expect(VectorMath.norm([3, 4]) == 5)
    #expect(VectorMath.norm([]) == 0)
  }

  @Test func emptyShapes() {
    let empty = Matrix(rows: 0, columns: 3)
    #expect(empty.gram() == Matrix(rows: 3, columns: 3))
    #expect(empty.transposeApplied(to: []) == [0, 0, 0])
    #expect(Matrix(rows: 2, columns: 0).multiplied(by: Matrix(rows: 0, columns: 2)) == Matrix(rows: 2, columns: 2))
  }

  @Test func randomProductsMatchNaiveSums() {
    var generator = TestSeed.generator(default: 11)
    let x = randomMatrix(7, 5, using: &generator)
    let y = randomMatrix(5, 4, using: &generator)
    let product = x.multiplied(by: y)
    var naive = Matrix(rows: 7, columns: 4)
    for i in 0..<7 { for j in 0..<4 { for k in 0..<5 { naive[i, j] += x[i, k] * y[k, j] } } }
    #expect(mismatch(product.elements, naive.elements, absolute: 1e-13, relative: 1e-13) == nil)
  }

  @Test func shapeMismatchInProductIsAPrecondition() async {
    await #expect(processExitsWith: .failure) {
      let p = Matrix(rows: 2, columns: 3)
      _ = p.multiplied(by: Matrix(rows: 2, columns: 3))
    }
  }

  @Test func threadCountCanBeSet() {
    setThreadCount(1)
    #expect(currentThreadCount() == 1)
  }

  /// In a process of its own (so no other test's BLAS call is running): after the workers
  /// OpenBLAS started at load are stopped (twice: the second call finds the pool down), a product
  /// large enough to run on two OpenBLAS threads (180³ > 2²² multiply-adds) starts them again and
  /// matches the naive sums.
  @Test func blasRestartsItsWorkersAfterTheyAreStopped() async {
    await #expect(processExitsWith: .success) {
      stopIdleBLASWorkers()
      stopIdleBLASWorkers()
      setThreadCount(2)
      var generator = TestSeed.generator(default: 12)
      let n = 180
      let x = randomMatrix(n, n, using: &generator)
      let y = randomMatrix(n, n, using: &generator)
      let product = x.multiplied(by: y)
      var naive = Matrix(rows: n, columns: n)
      for i in 0..<n { for j in 0..<n { for k in 0..<n { naive[i, j] += x[i, k] * y[k, j] } } }
      precondition(
        mismatch(product.elements, naive.elements, absolute: 1e-11, relative: 1e-12) == nil,
        "threaded product after stopping the workers differs from the naive sums")
    }
  }
}
