public import FairnessStatistics
public import Foundation

/// Reads and validates the statistics JSON documented in `Docs/input-format.md`.
///
/// Accepted fields: `groups`, `classes` (names, at least two each, unique), then either
/// `population` (G x K joint law) and `confusion` (G x K x K, rows sum to 1), or `counts`
/// (G x K x K nonnegative integers n[a][y][yh]); optionally `unmemorized_prediction` (G x K, rows
/// sum to 1: switches SP to convention A) and `cap` (G x K, `0 <= cap <= population`). With
/// `population` and `confusion`, `sample_sizes` (G x K nonnegative integers, records per cell)
/// turns the rates into the counts they imply (see `impliedCounts`), for the robust answers.
/// `id`, `description`, `summary` and `bootstrap` (what `fairmem stats` adds) are allowed and
/// ignored. Any other key is an error, so that
/// typos are not silently ignored.
public struct StatisticsDecoder: Sendable {
  /// How far a row sum may be from 1 before it is an error (unless `normalize`).
  public var sumTolerance: Double = 1e-9
  /// Rescale rows (and the population) that do not sum to 1 instead of rejecting them.
  public var normalize: Bool = false

  public init(normalize: Bool = false, sumTolerance: Double = 1e-9) {
    self.normalize = normalize
    self.sumTolerance = sumTolerance
  }

  static let allowedKeys: Set<String> = [
    "groups", "classes", "population", "confusion", "counts", "sample_sizes", "unmemorized_prediction", "cap",
    "id", "description", "summary", "bootstrap",
  ]

  /// How far a rate may be from the one its sample sizes imply (`population[a][y]` from
  /// `n[a][y] / N`, `confusion[a][y][yh]` from a whole number of the cell's records).
  public static let sampleRateTolerance = 1e-6

  /// Parses JSON text into a top-level object.
  public func object(from data: Data) throws(StatisticsError) -> [String: Any] {
    try object(from: Array(data))
  }

  /// Parses UTF-8 JSON text into a top-level object.
  public func object(from bytes: [UInt8]) throws(StatisticsError) -> [String: Any] {
    let parsed: Any
    do {
      parsed = try JSONReader.parse(bytes)
    } catch {
      throw StatisticsError(field: "input", problem: "malformed JSON (\(error))")
    }
    guard let object = parsed as? [String: Any] else {
      throw StatisticsError(field: "input", problem: "expected a JSON object with groups, classes, ...")
    }
    return object
  }

  /// When to decode the exact (rational) statistics besides the floating point ones.
  public enum ExactMode: Sendable {
    /// Floating point only.
    case never
    /// Exact too; an error when the input has no `counts`.
    case required
    /// Exact too when the input has `counts`.
    case whenCounts
  }

  /// Decodes floating point statistics and, as `exact` asks, the exact ones, from one parse.
  public func decode(_ data: Data, exact: ExactMode) throws(StatisticsError) -> (
    statistics: PopulationStatistics<Double>, exact: PopulationStatistics<Rational>?
  ) {
    try decode(object: object(from: data), exact: exact)
  }

  /// Decodes floating point statistics and, as `exact` asks, the exact ones, from a parsed
  /// object (the C ABI's request input).
  public func decode(object parsed: [String: Any], exact: ExactMode) throws(StatisticsError) -> (
    statistics: PopulationStatistics<Double>, exact: PopulationStatistics<Rational>?
  ) {
    let statistics = try decode(object: parsed)
    switch exact {
    case .never: return (statistics, nil)
    case .required: return (statistics, try decodeExact(object: parsed))
    case .whenCounts: return (statistics, parsed["counts"] == nil ? nil : try decodeExact(object: parsed))
    }
  }

  /// Reads memorized masses `x[a][y]` given as a JSON matrix (the `--memorized` option): every
  /// entry a finite number in `[0, P(A=a, Y=y)]` (rounding noise up to 1e-12 is clamped).
  ///
  /// - Throws: `StatisticsError` naming `field` (or `field[a][y]`) on malformed JSON, a wrong
  ///   shape, or a mass outside its cell.
  public static func memorizedMasses(
    _ text: String, field: String, for statistics: PopulationStatistics<Double>
  ) throws(StatisticsError) -> [[Double]] {
    guard let parsed = try? JSONReader.parse(Array(text.utf8)), let rows = parsed as? [[Any]] else {
      throw StatisticsError(field: field, problem: "expected a JSON matrix like [[0.1,0],[0,0.05]]")
    }
    guard rows.count == statistics.groupCount, rows.allSatisfy({ $0.count == statistics.classCount }) else {
      throw StatisticsError(
        field: field, problem: "shape mismatch: expected \(statistics.groupCount) x \(statistics.classCount)")
    }
    var x: [[Double]] = []
    for (a, row) in rows.enumerated() {
      var values: [Double] = []
      for (y, item) in row.enumerated() {
        let cell = statistics.population[a][y]
        let v = try finiteNumber(item, field: "\(field)[\(a)][\(y)]")
        guard v >= 0, v <= cell + 1e-12 else {
          throw StatisticsError(field: "\(field)[\(a)][\(y)]", problem: "\(v) is outside [0, P(A,Y) = \(cell)]")
        }
        values.append(min(v, cell))
      }
      x.append(values)
    }
    return x
  }

  /// Decodes floating point statistics from JSON text.
  public func decode(_ data: Data) throws(StatisticsError) -> PopulationStatistics<Double> {
    try decode(object: object(from: data))
  }

  /// Decodes floating point statistics from a parsed JSON object.
  public func decode(object: [String: Any]) throws(StatisticsError) -> PopulationStatistics<Double> {
    try decodeGeneric(object: object, as: Double.self) { $0 }
  }

  /// Decodes exact statistics. Needs `counts`; other probabilities (`cap`,
  /// `unmemorized_prediction`) are converted exactly from their double values.
  public func decodeExact(object: [String: Any]) throws(StatisticsError) -> PopulationStatistics<Rational> {
    guard object["counts"] != nil else {
      throw StatisticsError(field: "counts", problem: "exact mode needs integer counts (field \"counts\")")
    }
    return try decodeGeneric(object: object, as: Rational.self) { Rational(exactly: $0) }
  }

  private func decodeGeneric<T: FieldScalar>(
    object: [String: Any], as: T.Type, convert: (Double) -> T
  ) throws(StatisticsError) -> PopulationStatistics<T> {
    // The keys are sorted only when one is unknown, so that the error names the first in order.
    if !object.keys.allSatisfy(Self.allowedKeys.contains) {
      for key in object.keys.sorted() where !Self.allowedKeys.contains(key) {
        throw StatisticsError(
          field: key, problem: "unknown field (allowed: \(Self.allowedKeys.sorted().joined(separator: ", ")))")
      }
    }
    let groups = try names(object["groups"], field: "groups", what: "group")
    let classes = try names(object["classes"], field: "classes", what: "class")
    let g = groups.count
    let k = classes.count
    var notes: [String] = []

    var population: [[T]]
    var confusion: [[[T]]]
    var counts: [[[Int]]]? = nil
    var countsOrigin = CountsOrigin.counts
    if let rawCounts = object["counts"] {
      if object["population"] != nil || object["confusion"] != nil {
        throw StatisticsError(field: "counts", problem: "give either counts or population + confusion, not both")
      }
      if object["sample_sizes"] != nil {
        throw StatisticsError(
          field: "sample_sizes", problem: "counts already give the sample sizes; give sample_sizes only with rates")
      }
      let n = try integerTensor(rawCounts, field: "counts", shape: (g, k, k))
      let fromCounts = try PopulationStatistics<T>(
        counts: PredictionCounts(groups: groups, classes: classes, counts: n))
      counts = n
      population = fromCounts.population
      confusion = fromCounts.confusion
      notes = fromCounts.notes
    } else {
      guard let rawPopulation = object["population"] else {
        throw StatisticsError(field: "population", problem: "missing (or give \"counts\")")
      }
      guard let rawConfusion = object["confusion"] else {
        throw StatisticsError(field: "confusion", problem: "missing (or give \"counts\")")
      }
      var p = try probabilityMatrix(rawPopulation, field: "population", rows: g, columns: k)
      let total = p.joined().reduce(0, +)
      if abs(total - 1) > sumTolerance {
        guard normalize, total > 0 else {
          throw StatisticsError(
            field: "population", problem: "entries sum to \(total), not 1 (use --normalize to rescale)")
        }
        p = p.map { $0.map { $0 / total } }
        notes.append("population rescaled to sum to 1 (it summed to \(total))")
      }
      // A subnormal cell mass (below 2.2e-308, e.g. 5e-324) has no reciprocal in double
      // precision and no representable fractions: its cell rates (coefficient 1/p) and memorized
      // fractions cannot be computed. It is treated as zero mass, with a note; every other rate
      // moves by less than 1e-307. (Counts never give such cells: 1/N >= 1e-19.)
      for a in 0..<g {
        for y in 0..<k where p[a][y] > 0 && p[a][y] < Double.leastNormalMagnitude {
          notes.append(
            "population[\(a)][\(y)] = \(p[a][y]) is below the smallest normal double (2.2e-308): treated as zero mass"
          )
          p[a][y] = 0
        }
      }
      population = Self.converted(p, convert)
      var c = try tensor(rawConfusion, field: "confusion", shape: (g, k, k))
      for a in 0..<g {
        for y in 0..<k {
          let rowSum = c[a][y].reduce(0, +)
          if p[a][y] == 0 && rowSum == 0 {
            c[a][y] = (0..<k).map { $0 == y ? 1 : 0 }
            continue
          }
          c[a][y] = try normalizedRow(c[a][y], sum: rowSum, field: "confusion[\(a)][\(y)]", notes: &notes)
        }
      }
      confusion = Self.converted(c, convert)
      for a in 0..<g where population[a].allSatisfy(\.isZero) {
        throw StatisticsError(
          field: "population[\(a)]", problem: "group '\(groups[a])' is empty (P(A=\(groups[a])) = 0); remove it")
      }
      notes += PopulationStatistics<T>.zeroMassNotes(groups: groups, classes: classes, population: population)
      if let rawSizes = object["sample_sizes"] {
        let n = try impliedCounts(rawSizes, population: p, confusion: c)
        let fromCounts = try PopulationStatistics<T>(
          counts: PredictionCounts(groups: groups, classes: classes, counts: n))
        counts = n
        countsOrigin = .sampleSizes
        population = fromCounts.population
        confusion = fromCounts.confusion
        notes.append(
          "population and confusion are read as the counts they imply with sample_sizes (\(n.joined().joined().reduce(0, +)) records)"
        )
      }
    }

    var unmemorized: [[T]]? = nil
    if let raw = object["unmemorized_prediction"] {
      var s = try probabilityMatrix(raw, field: "unmemorized_prediction", rows: g, columns: k)
      for a in 0..<g {
        s[a] = try normalizedRow(
          s[a], sum: s[a].reduce(0, +), field: "unmemorized_prediction[\(a)]", notes: &notes)
      }
      unmemorized = s.map { $0.map(convert) }
    }

    var cap: [[T]]? = nil
    if let raw = object["cap"] {
      let c = try probabilityMatrix(raw, field: "cap", rows: g, columns: k)
      var converted: [[T]] = []
      for a in 0..<g {
        var row: [T] = []
        for y in 0..<k {
          let value = convert(c[a][y])
          let limit = population[a][y]
          if value > limit {
            // Allow rounding noise only; a real excess is an error.
            guard c[a][y] - limit.doubleValue <= sumTolerance else {
              throw StatisticsError(
                field: "cap[\(a)][\(y)]",
                problem: "cap \(c[a][y]) exceeds the cell's mass \(limit.doubleValue)")
            }
            row.append(limit)
          } else {
            row.append(value)
          }
        }
        converted.append(row)
      }
      cap = converted
    }

    return PopulationStatistics(
      groups: groups, classes: classes, population: population, confusion: confusion,
      unmemorizedPrediction: unmemorized, cap: cap, counts: counts, countsOrigin: countsOrigin, notes: notes)
  }

  /// The counts implied by rates and per-cell sample sizes `n[a][y]` (records of group a with
  /// label y): `n[a][y][yh] = C[a][y][yh] · n[a][y]`.
  ///
  /// The rates must be those of whole records: `p[a][y]` within `sampleRateTolerance` of
  /// `n[a][y] / N`, and each `C[a][y][yh]` within it of `k / n[a][y]` for a whole k (the k of a
  /// row then sum to `n[a][y]`). A cell of size 0 has no record (its rates stay unestimated).
  ///
  /// - Throws: `StatisticsError` naming `sample_sizes[...]` (shape, non-integer, negative, all
  ///   zero, overflow, a size that does not give the cell's population share) or
  ///   `confusion[a][y][yh]` (a rate that is no whole number of the cell's records).
  private func impliedCounts(_ raw: Any, population p: [[Double]], confusion c: [[[Double]]]) throws(StatisticsError)
    -> [[[Int]]]
  {
    let g = p.count
    let k = p[0].count
    let sizes = try integerMatrix(raw, field: "sample_sizes", rows: g, columns: k, what: "sample size")
    var total = 0
    for (a, row) in sizes.enumerated() {
      for (y, size) in row.enumerated() {
        let (sum, overflow) = total.addingReportingOverflow(size)
        guard !overflow else {
          throw StatisticsError(
            field: "sample_sizes[\(a)][\(y)]", problem: "the total number of records exceeds \(Int.max) here")
        }
        total = sum
      }
    }
    guard total > 0 else { throw StatisticsError(field: "sample_sizes", problem: "all sample sizes are zero") }
    let tolerance = Self.sampleRateTolerance
    var n = Array(repeating: Array(repeating: Array(repeating: 0, count: k), count: k), count: g)
    for a in 0..<g {
      for y in 0..<k {
        let size = sizes[a][y]
        let share = Double(size) / Double(total)
        guard abs(share - p[a][y]) <= tolerance else {
          throw StatisticsError(
            field: "sample_sizes[\(a)][\(y)]",
            problem:
              "\(size) of \(total) records is a share of \(share), but population[\(a)][\(y)] = \(p[a][y]) (they must agree within \(tolerance))"
          )
        }
        guard size > 0 else { continue }
        for yh in 0..<k {
          let records = (c[a][y][yh] * Double(size)).rounded()
          guard abs(records / Double(size) - c[a][y][yh]) <= tolerance else {
            throw StatisticsError(
              field: "confusion[\(a)][\(y)][\(yh)]",
              problem:
                "\(c[a][y][yh]) of sample_sizes[\(a)][\(y)] = \(size) records is \(c[a][y][yh] * Double(size)), not a whole number (within \(tolerance) on the rate)"
            )
          }
          n[a][y][yh] = Int(records)
        }
        guard n[a][y].reduce(0, +) == size else {
          throw StatisticsError(
            field: "confusion[\(a)][\(y)]",
            problem: "its records sum to \(n[a][y].reduce(0, +)), not sample_sizes[\(a)][\(y)] = \(size)")
        }
      }
    }
    return n
  }

  /// `rows` with `convert` applied to every entry; for `Double` the same arrays, without copying
  /// them or a dynamic cast (`decode(object:)` converts with the identity, and `[[T]]` is then
  /// `[[Double]]`).
  private static func converted<T: FieldScalar>(_ rows: [[Double]], _ convert: (Double) -> T) -> [[T]] {
    if T.self == Double.self { return unsafeBitCast(rows, to: [[T]].self) }
    return rows.map { $0.map(convert) }
  }

  private static func converted<T: FieldScalar>(_ slabs: [[[Double]]], _ convert: (Double) -> T) -> [[[T]]] {
    if T.self == Double.self { return unsafeBitCast(slabs, to: [[[T]]].self) }
    return slabs.map { $0.map { $0.map(convert) } }
  }

  // MARK: - Field readers

  private func names(_ raw: Any?, field: String, what: String) throws(StatisticsError) -> [String] {
    guard let raw else { throw StatisticsError(field: field, problem: "missing") }
    guard let array = raw as? [Any] else {
      throw StatisticsError(field: field, problem: "expected an array of \(what) names")
    }
    var result: [String] = []
    result.reserveCapacity(array.count)
    var seen = Set<String>(minimumCapacity: array.count)  // O(1) per name: 100k names are checked in milliseconds
    for (i, item) in array.enumerated() {
      guard let name = item as? String, !name.isEmpty else {
        throw StatisticsError(field: "\(field)[\(i)]", problem: "expected a non-empty \(what) name")
      }
      guard seen.insert(name).inserted else {
        throw StatisticsError(field: "\(field)[\(i)]", problem: "duplicate \(what) name '\(name)'")
      }
      result.append(name)
    }
    guard result.count >= 2 else {
      throw StatisticsError(field: field, problem: "need at least 2 \(what)s, got \(result.count)")
    }
    return result
  }

  private func array(_ raw: Any, field: @autoclosure () -> String, count: Int) throws(StatisticsError) -> [Any] {
    guard let array = raw as? [Any] else {
      throw StatisticsError(field: field(), problem: "expected an array of length \(count)")
    }
    guard array.count == count else {
      throw StatisticsError(field: field(), problem: "shape mismatch: expected \(count) entries, got \(array.count)")
    }
    return array
  }

  private func number(_ raw: Any, field: String) throws(StatisticsError) -> Double {
    try Self.finiteNumber(raw, field: field)
  }

  /// A finite JSON number (not a boolean, string or null), or an error naming `field`.
  public static func finiteNumber(_ raw: Any, field: String) throws(StatisticsError) -> Double {
    // Values from `JSONReader` (native Swift types) first: no bridging.
    if type(of: raw) == Double.self, let value = raw as? Double {
      guard value.isFinite else { throw StatisticsError(field: field, problem: "value is not finite (\(value))") }
      return value
    }
    if type(of: raw) == Int.self, let value = raw as? Int { return Double(value) }
    if let literal = raw as? JSONReader.NumberLiteral {
      guard literal.value.isFinite else {
        throw StatisticsError(field: field, problem: "value is not finite (\(literal.text))")
      }
      return literal.value
    }
    if type(of: raw) == Bool.self { throw StatisticsError(field: field, problem: "expected a number, got a boolean") }

    guard let number = raw as? NSNumber, !(raw is String) else {
      throw StatisticsError(field: field, problem: "expected a number, got \(Self.typeName(raw))")
    }
    // JSON booleans arrive as NSNumber too (objCType "c"); integers 0 and 1 do not.
    if String(cString: number.objCType) == "c" {
      throw StatisticsError(field: field, problem: "expected a number, got a boolean")
    }
    let value = number.doubleValue
    guard value.isFinite else { throw StatisticsError(field: field, problem: "value is not finite (\(value))") }
    return value
  }

  private func probability(_ raw: Any, field: String) throws(StatisticsError) -> Double {
    let value = try number(raw, field: field)
    guard value >= 0 && value <= 1 else {
      throw StatisticsError(field: field, problem: "probability \(value) is outside [0, 1]")
    }
    return value
  }

  private func probabilityMatrix(
    _ raw: Any, field: @autoclosure () -> String, rows: Int, columns: Int
  ) throws(StatisticsError) -> [[Double]] {
    var result: [[Double]] = []
    result.reserveCapacity(rows)
    for (i, row) in try array(raw, field: field(), count: rows).enumerated() {
      var values: [Double] = []
      values.reserveCapacity(columns)
      for (j, item) in try array(row, field: "\(field())[\(i)]", count: columns).enumerated() {
        // Fast path (the usual case): a finite double in [0, 1] from `JSONReader` needs no
        // field name; anything else goes through `probability`, which names the field.
        if type(of: item) == Double.self, let value = item as? Double, value >= 0 && value <= 1 {
          values.append(value)
          continue
        }
        values.append(try probability(item, field: "\(field())[\(i)][\(j)]"))
      }
      result.append(values)
    }
    return result
  }

  private func tensor(_ raw: Any, field: String, shape: (Int, Int, Int)) throws(StatisticsError) -> [[[Double]]] {
    var result: [[[Double]]] = []
    result.reserveCapacity(shape.0)
    for (i, slab) in try array(raw, field: field, count: shape.0).enumerated() {
      result.append(try probabilityMatrix(slab, field: "\(field)[\(i)]", rows: shape.1, columns: shape.2))
    }
    return result
  }

  private func integerTensor(_ raw: Any, field: String, shape: (Int, Int, Int)) throws(StatisticsError) -> [[[Int]]] {
    var result: [[[Int]]] = []
    for (a, slab) in try array(raw, field: field, count: shape.0).enumerated() {
      result.append(try integerMatrix(slab, field: "\(field)[\(a)]", rows: shape.1, columns: shape.2, what: "count"))
    }
    return result
  }

  /// A rows x columns matrix of nonnegative integers (below 9e15, exact in a double).
  private func integerMatrix(_ raw: Any, field: String, rows: Int, columns: Int, what: String) throws(StatisticsError)
    -> [[Int]]
  {
    var result: [[Int]] = []
    for (i, row) in try array(raw, field: field, count: rows).enumerated() {
      var values: [Int] = []
      for (j, item) in try array(row, field: "\(field)[\(i)]", count: columns).enumerated() {
        let f = "\(field)[\(i)][\(j)]"
        let value = try number(item, field: f)
        guard value >= 0, value == value.rounded(), value < 9.0e15 else {
          throw StatisticsError(field: f, problem: "expected a nonnegative integer \(what), got \(value)")
        }
        values.append(Int(value))
      }
      result.append(values)
    }
    return result
  }

  private func normalizedRow(
    _ row: [Double], sum: Double, field: @autoclosure () -> String, notes: inout [String]
  ) throws(StatisticsError) -> [Double] {
    if abs(sum - 1) <= sumTolerance { return row }
    guard normalize, sum > 0 else {
      throw StatisticsError(field: field(), problem: "row sums to \(sum), not 1 (use --normalize to rescale)")
    }
    notes.append("\(field()) rescaled to sum to 1 (it summed to \(sum))")
    return row.map { $0 / sum }
  }

  private static func typeName(_ raw: Any) -> String {
    switch raw {
    case is String: "a string"
    case is [Any]: "an array"
    case is [String: Any]: "an object"
    case is NSNull, is JSONReader.Null: "null"
    default: "\(type(of: raw))"
    }
  }

}
