import FairMemJSON
import FairnessStatistics
import Foundation

/// Statistics loaded from a file, standard input or the built-in example, in floating point and
/// (for count inputs, when asked) exact arithmetic.
struct LoadedStatistics {
  var source: String
  var statistics: PopulationStatistics<Double>
  var exact: PopulationStatistics<Rational>?

  /// Reads and validates statistics; `path == nil` means the built-in example, `-` stdin.
  static func load(path: String?, normalize: Bool, exact: StatisticsDecoder.ExactMode) throws -> LoadedStatistics {
    let data: Data
    let source: String
    switch path {
    case nil:
      data = Data(BuiltInExample.json.utf8)
      source = BuiltInExample.name
    case "-":
      let io = CommandIO.current
      if case .parsed(let value) = io.standardInput {  // a C ABI request's input, already parsed
        guard let object = value as? [String: Any] else {
          throw InputError(field: "input", problem: "expected a JSON object with groups, classes, ...")
        }
        let decoded = try StatisticsDecoder(normalize: normalize).decode(object: object, exact: exact)
        return LoadedStatistics(source: "request input", statistics: decoded.statistics, exact: decoded.exact)
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
    let decoded = try StatisticsDecoder(normalize: normalize).decode(data, exact: exact)
    return LoadedStatistics(source: source, statistics: decoded.statistics, exact: decoded.exact)
  }
}

extension PopulationStatistics {
  /// Resolves a class name given with `--favorable` (exit 2 when unknown).
  func classIndex(named name: String?) throws -> Int? {
    try favorableClassIndex(named: name, classes: classes)
  }
}

/// The index of the class `--favorable` names (nil when not given; exit 2 when unknown).
func favorableClassIndex(named name: String?, classes: [String]) throws -> Int? {
  guard let name else { return nil }
  guard let index = classes.firstIndex(of: name) else {
    throw InputError(
      field: "--favorable", problem: "unknown class '\(name)' (classes: \(classes.joined(separator: ", ")))")
  }
  return index
}
