import DenseLinearAlgebra
import Testing
import _TestSupport

@Suite("Positive definite matrix functions")
struct PositiveDefiniteFunctionTests {
  /// `A^(1/2) A^(1/2) = A`, `A^(-1/2) A^(1/2) = I`, both symmetric; a hand-computed diagonal case.
  @Test func squareRootsReconstruct() throws {
    var generator = TestSeed.generator(default: 77)
    let a = randomSPD(5, using: &generator)
    let root = try a.positiveDefiniteSquareRoot()
    #expect(mismatch(root.multiplied(by: root).elements, a.elements, absolute: 1e-12) == nil)
    #expect(root.isSymmetric(tolerance: 0))
    let inverseRoot = try a.positiveDefiniteInverseSquareRoot()
    #expect(mismatch(inverseRoot.multiplied(by: root).elements, Matrix.identity(5).elements, absolute: 1e-12) == nil)
    let diagonal = try Matrix(diagonal: [4, 9]).positiveDefiniteSquareRoot()
    #expect(mismatch(diagonal.elements, [2, 0, 0, 3], absolute: 1e-15) == nil)
  }

  /// Singular, indefinite and non-finite matrices throw instead of returning huge or NaN entries.
  @Test func nonPositiveDefiniteInputThrows() {
    let singular = Matrix(rows: 2, columns: 2, elements: [1, 1, 1, 1])
    #expect(throws: LinearAlgebraError.self) { try singular.positiveDefiniteInverseSquareRoot() }
    let indefinite = Matrix(rows: 2, columns: 2, elements: [1, 2, 2, 1])
    #expect(throws: LinearAlgebraError.self) { try indefinite.positiveDefiniteSquareRoot() }
    #expect(throws: LinearAlgebraError.nonFinite) {
      try Matrix(rows: 2, columns: 2, elements: [1, .nan, .nan, 1]).positiveDefiniteSquareRoot()
    }
  }
}
