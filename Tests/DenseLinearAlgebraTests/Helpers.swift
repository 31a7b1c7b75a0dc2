import DenseLinearAlgebra
import SeededRandom

/// A `rows x columns` matrix of standard normal entries.
func randomMatrix(_ rows: Int, _ columns: Int, using generator: inout some RandomNumberGenerator) -> Matrix {
  Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in generator.nextStandardNormal() })
}

/// A well-conditioned symmetric positive definite matrix `GᵀG + nI`.
func randomSPD(_ n: Int, using generator: inout some RandomNumberGenerator) -> Matrix {
  randomMatrix(n + 3, n, using: &generator).gram().addingToDiagonal(Double(n))
}
