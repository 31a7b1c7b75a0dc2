internal import CLAPACKE

// Helpers shared by every wrapper around a C routine. Every call into BLAS or LAPACKE goes through
// `cInt` for each dimension and leading dimension: BLAS silently does nothing on a bad argument
// (Docs/linear-algebra.md, "Why every shape is checked in Swift").

/// Converts a dimension to the 32-bit integer BLAS/LAPACKE take (`blasint`/`lapack_int` are `Int32`
/// on Debian's LP64 builds); traps if it does not fit.
@inline(__always)
func cInt(_ value: Int, _ name: StaticString = "dimension") -> Int32 {
  guard let converted = Int32(exactly: value) else {
    preconditionFailure("\(name) = \(value) does not fit the 32-bit integer BLAS/LAPACK expects")
  }
  return converted
}

/// The leading dimension of a row-major `rows x columns` array: `max(1, columns)`.
@inline(__always)
func rowMajorLeadingDimension(columns: Int) -> Int32 {
  cInt(Swift.max(1, columns), "leading dimension")
}

/// Traps on `info < 0` (an illegal argument is our bug, never the user's).
@inline(__always)
func trapOnIllegalArgument(_ info: Int32, _ routine: StaticString) {
  if info < 0 {
    preconditionFailure("LAPACKE_\(routine): illegal argument number \(-info)")
  }
}

/// `LAPACK_ROW_MAJOR` (every ``Matrix`` is stored row-major).
let lapackRowMajor = Int32(LAPACK_ROW_MAJOR)

/// A LAPACK character flag.
@inline(__always)
func flag(_ character: Unicode.Scalar) -> CChar { CChar(bitPattern: UInt8(ascii: character)) }
