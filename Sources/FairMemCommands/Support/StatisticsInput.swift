import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory

/// Statistics loaded from a file, standard input or the built-in example, in floating point and
/// (for count inputs with `--exact`) exact arithmetic.
struct LoadedStatistics {
  var source: String
  var object: [String: Any]
  var statistics: PopulationStatistics<Double>
  var exact: PopulationStatistics<Rational>?

  /// Reads and validates statistics; `path == nil` means the built-in example, `-` stdin.
  static func load(path: String?, normalize: Bool, exact: Bool) throws -> LoadedStatistics {
    let data: Data
    let source: String
    switch path {
    case nil:
      data = Data(BuiltInExample.json.utf8)
      source = BuiltInExample.name
    case "-":
      let io = CommandIO.current
      if case .parsed(let value) = io.standardInput {
        guard let object = value as? [String: Any] else {
          throw InputError(field: "input", problem: "expected a JSON object with groups, classes, ...")
        }
        return try parse(object: object, source: "request input", normalize: normalize, exact: exact)
      }
      data = Data(io.standardInputBytes() ?? [])
      source = "standard input"
    case let file?:
      guard FileManager.default.fileExists(atPath: file) else {
        throw InputError(field: file, problem: "no such file")
      }
      guard let contents = FileManager.default.contents(atPath: file) else {
        throw InputError(field: file, problem: "cannot read file")
      }
      data = contents
      source = file
    }
    return try parse(data, source: source, normalize: normalize, exact: exact)
  }

  static func parse(_ data: Data, source: String, normalize: Bool, exact: Bool) throws -> LoadedStatistics {
    let object = try StatisticsDecoder(normalize: normalize).object(from: data)
    return try parse(object: object, source: source, normalize: normalize, exact: exact)
  }

  static func parse(object: [String: Any], source: String, normalize: Bool, exact: Bool) throws -> LoadedStatistics {
    let decoder = StatisticsDecoder(normalize: normalize)
    let statistics = try decoder.decode(object: object)
    var exactStatistics: PopulationStatistics<Rational>? = nil
    if exact {
      exactStatistics = try decoder.decodeExact(object: object)
    }
    return LoadedStatistics(source: source, object: object, statistics: statistics, exact: exactStatistics)
  }
}

extension PopulationStatistics {
  /// Resolves a class name given with `--favorable` (exit 2 when unknown).
  func classIndex(named name: String?) throws -> Int? {
    guard let name else { return nil }
    guard let index = classes.firstIndex(of: name) else {
      throw InputError(
        field: "--favorable", problem: "unknown class '\(name)' (classes: \(classes.joined(separator: ", ")))")
    }
    return index
  }
}
