import DenseLinearAlgebra
import Testing
import _TestSupport

/// The shortcuts the influence path relies on: `dgemv` for vector-shaped products, products with a
/// bias accumulated onto every row, the blocked weighted Gram and the concrete row gathers.
@Suite("Fused and vector-shaped products")
struct FusedProductTests {
  func naiveProduct(_ a: Matrix, _ transA: Bool, _ b: Matrix, _ transB: Bool) -> Matrix {
    let opA = transA ? a.transposed() : a
    let opB = transB ? b.transposed() : b
    var c = Matrix(rows: opA.rows, columns: opB.columns)
    for i in 0..<opA.rows {
      for j in 0..<opB.columns { for k in 0..<opA.columns { c[i, j] += opA[i, k] * opB[k, j] } }
    }
    return c
  }

  @Test func singleRowAndColumnProductsMatchNaiveSums() {
    var generator = TestSeed.generator(default: 21)
    for (m, k, n) in [(1, 6, 4), (5, 6, 1), (1, 6, 1), (3, 1, 1)] {
      for transA in [false, true] {
        for transB in [false, true] {
          let a = transA ? randomMatrix(k, m, using: &generator) : randomMatrix(m, k, using: &generator)
          let b = transB ? randomMatrix(n, k, using: &generator) : randomMatrix(k, n, using: &generator)
          let c = Matrix.product(a, transposingFirst: transA, b, transposingSecond: transB, scaledBy: 0.5)
          let expected = naiveProduct(a, transA, b, transB).scaled(by: 0.5)
          #expect(c.rows == m && c.columns == n)
          #expect(
            mismatch(c.elements, expected.elements, absolute: 1e-13, relative: 1e-13) == nil,
            "\(m)x\(k)x\(n) \(transA) \(transB)")
        }
      }
    }
  }

  @Test func productWithRowBiasAddsTheBiasToEveryRow() {
    var generator = TestSeed.generator(default: 22)
    for outputs in [1, 4] {
      let x = randomMatrix(9, 5, using: &generator)
      let w = randomMatrix(outputs, 5, using: &generator)
      let bias = randomMatrix(1, outputs, using: &generator).elements
      let c = x.multiplied(byTransposeOf: w, addingToEachRow: bias)
      var expected = naiveProduct(x, false, w, true)
      for i in 0..<9 { for j in 0..<outputs { expected[i, j] += bias[j] } }
      #expect(mismatch(c.elements, expected.elements, absolute: 1e-13, relative: 1e-13) == nil)
    }
    let empty = Matrix(rows: 3, columns: 2).multiplied(byTransposeOf: Matrix(rows: 0, columns: 2), addingToEachRow: [])
    #expect(empty.rows == 3 && empty.columns == 0)
    #expect(
      Matrix(rows: 0, columns: 2).multiplied(byTransposeOf: Matrix(rows: 2, columns: 2), addingToEachRow: [1, 2]).rows
        == 0)
  }

  @Test func blockedWeightedGramMatchesTheSumOfOuterProducts() {
    var generator = TestSeed.generator(default: 23)
    // More rows than one block (2048), so the dsyrk accumulation over blocks is exercised.
    let a = randomMatrix(4500, 3, using: &generator)
    for signs in [false, true] {
      let w: [Double] = (0..<4500).map { i in
        let magnitude = Double((i * 7919) % 13 + 1) / 13
        return signs && i % 3 == 0 ? -magnitude : magnitude
      }
      let gram = a.weightedGram(w)
      var expected = [Double](repeating: 0, count: 9)
      for i in 0..<4500 { for u in 0..<3 { for v in 0..<3 { expected[u * 3 + v] += w[i] * a[i, u] * a[i, v] } } }
      #expect(mismatch(gram.elements, expected, absolute: 1e-10, relative: 1e-12) == nil, "signed weights: \(signs)")
    }
  }

  @Test func rowGathersScalingAndAppendedColumns() {
    var generator = TestSeed.generator(default: 24)
    for width in [1, 3, 20] {
      let a = randomMatrix(6, width, using: &generator)
      let picks = [5, 0, 5, 2]
      let gathered = a.rows(picks)
      #expect(gathered.rows == 4 && gathered.columns == width)
      for (k, i) in picks.enumerated() { #expect(gathered.row(k) == a.row(i)) }
      #expect(a.rows(1..<3) == a.rows([1, 2]))
      let factors = [2.0, -1, 0, 0.5, 3, 1]
      let scaled = a.rowsScaled(by: factors)
      var inPlace = a
      inPlace.scaleRows(by: factors)
      #expect(scaled == inPlace)
      let appended = a.appendingColumn([1, 2, 3, 4, 5, 6])
      for i in 0..<6 { #expect(appended.row(i) == a.row(i) + [Double(i + 1)]) }
    }
    #expect(Matrix(rows: 2, columns: 0).appendingColumn([7, 8]).elements == [7, 8])
  }
}
