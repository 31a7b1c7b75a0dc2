import BigInt

/// The arithmetic the theory formulas need: an ordered field. `Double` gives fast floating
/// point answers; `Rational` gives exact answers from integer counts. Every formula in
/// `MemorizationTheory` is written once, generically over `FieldScalar`, so the exact and the
/// floating point results come from the same code.
public protocol FieldScalar: Sendable, Comparable, CustomStringConvertible {
  static var zero: Self { get }
  static var one: Self { get }
  static func + (l: Self, r: Self) -> Self
  static func - (l: Self, r: Self) -> Self
  static func * (l: Self, r: Self) -> Self
  static func / (l: Self, r: Self) -> Self
  static prefix func - (x: Self) -> Self
  /// The value as a double (exact for `Double`, nearest for `Rational`).
  var doubleValue: Double { get }
  /// Whether the value is exactly zero.
  var isZero: Bool { get }
  /// Converts an integer exactly.
  init(integer: Int)
  /// Converts a finite double exactly (doubles are dyadic rationals).
  static func converting(_ value: Double) -> Self
}

extension FieldScalar {
  /// Absolute value.
  @inlinable public var magnitudeValue: Self { self < .zero ? -self : self }
}

extension Double: FieldScalar {
  @inlinable public static var one: Double { 1 }
  @inlinable public var doubleValue: Double { self }
  @inlinable public init(integer: Int) { self = Double(integer) }
  @inlinable public static func converting(_ value: Double) -> Double { value }
}

extension Rational: FieldScalar {
  public init(integer: Int) { self.init(BigInt(integer), 1) }
  public static func converting(_ value: Double) -> Rational { Rational(exactly: value) }
}

/// Sums a sequence of field values (left to right, so results are reproducible).
@inlinable
public func fieldSum<T: FieldScalar, S: Sequence>(_ values: S) -> T where S.Element == T {
  values.reduce(T.zero, +)
}
