import DenseLinearAlgebra
import Testing
import _TestSupport

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Factorizations and solvers")
struct FactorizationTests {
  @Test func choleskySolvesAndReconstructs() throws {
    var generator = TestSeed.generator(default: 21)
    let a = randomSPD(6, using: &generator)
    let cholesky = try a.cholesky()
    #expect(mismatch(cholesky.reconstructed().elements, a.elements, absolute: 1e-12, relative: 1e-12) == nil)
    let b = (0..<6).map { _ in generator.nextStandardNormal() }
    let x = cholesky.solve(b)
    #expect(mismatch(a.applied(to: x), b, absolute: 1e-12) == nil)
    let bMatrix = randomMatrix(6, 3, using: &generator)
    let xMatrix = cholesky.solve(bMatrix)
    #expect(mismatch(a.multiplied(by: xMatrix).elements, bMatrix.elements, absolute: 1e-12) == nil)
    // log det from eigenvalues.
    let eigen = try a.symmetricEigen()
    let logDet = eigen.eigenvalues.reduce(0) { $0 + log($1) }
    #expect(abs(cholesky.logDeterminant - logDet) <= 1e-10 * abs(logDet))
  }

  @Test func choleskyHandComputed() throws {
    // [4 2; 2 3] = LLᵀ with L = [2 0; 1 √2].
    let cholesky = try Matrix(rows: 2, columns: 2, elements: [4, 2, 2, 3]).cholesky()
    #expect(mismatch(cholesky.lower.elements, [2, 0, 1, 2.0.squareRoot()], absolute: 1e-15) == nil)
    #expect(abs(cholesky.logDeterminant - log(8.0)) < 1e-14)
  }

  @Test func choleskyOfIndefiniteMatrixThrows() {
    // Leading minors: 1 > 0, 1·1 − 2·2 = −3 < 0.
    let indefinite = Matrix(rows: 2, columns: 2, elements: [1, 2, 2, 1])
    #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) { try indefinite.cholesky() }
    #expect(throws: LinearAlgebraError.nonFinite) {
      try Matrix(rows: 2, columns: 2, elements: [1, 0, .nan, 1]).cholesky()
    }
  }

  @Test func eigenReconstructsAndIsOrthogonal() throws {
    var generator = TestSeed.generator(default: 31)
    let g = randomMatrix(5, 5, using: &generator)
    let symmetric = g.adding(g.transposed())
    let eigen = try symmetric.symmetricEigen()
    #expect(eigen.eigenvalues == eigen.eigenvalues.sorted())
    #expect(mismatch(eigen.reconstructed().elements, symmetric.elements, absolute: 1e-12) == nil)
    let vtv = eigen.eigenvectors.gram()
    #expect(mismatch(vtv.elements, Matrix.identity(5).elements, absolute: 1e-13) == nil)
    // Hand-computed: [2 1; 1 2] has eigenvalues 1 and 3.
    let small = try Matrix(rows: 2, columns: 2, elements: [2, 1, 1, 2]).symmetricEigen()
    #expect(mismatch(small.eigenvalues, [1, 3], absolute: 1e-14) == nil)
    // Square root of an SPD matrix squares back.
    let spd = randomSPD(4, using: &generator)
    let root = try spd.symmetricEigen().applying { $0.squareRoot() }
    #expect(mismatch(root.multiplied(by: root).elements, spd.elements, absolute: 1e-11) == nil)
  }

  @Test func leastSquaresMatchesNormalEquations() throws {
    var generator = TestSeed.generator(default: 41)
    let a = randomMatrix(20, 4, using: &generator)
    let b = (0..<20).map { _ in generator.nextStandardNormal() }
    let x = try a.leastSquares(b)
    let normal = try a.gram().cholesky().solve(a.transposeApplied(to: b))
    #expect(mismatch(x, normal, absolute: 1e-12, relative: 1e-10) == nil)
    let full = try a.leastSquares(Matrix(column: b))
    #expect(full.rank == 4)
    #expect(full.singularValues.count == 4)
  }

  @Test func rankDeficientLeastSquaresGivesMinimumNorm() throws {
    // Two identical columns: x1 + x2 = 1 for b = first column; minimum norm splits evenly.
    let a = Matrix(rows: 3, columns: 2, elements: [1, 1, 2, 2, 3, 3])
    let solution = try a.leastSquares(Matrix(column: [1, 2, 3]))
    #expect(solution.rank == 1)
    #expect(mismatch(solution.solution.elements, [0.5, 0.5], absolute: 1e-12) == nil)
  }

  @Test func generalSolve() throws {
    var generator = TestSeed.generator(default: 51)
    let a = randomMatrix(6, 6, using: &generator).addingToDiagonal(3)
    let b = (0..<6).map { _ in generator.nextStandardNormal() }
    let x = try a.solve(b)
    #expect(mismatch(a.applied(to: x), b, absolute: 1e-12) == nil)
    let singular = Matrix(rows: 2, columns: 2, elements: [1, 2, 2, 4])
    #expect(throws: LinearAlgebraError.singular(pivot: 2)) { try singular.solve([1, 1]) }
  }
}
