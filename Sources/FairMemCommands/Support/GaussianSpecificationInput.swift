import FairMemJSON
import FairnessStatistics
import Foundation
import OptimalSteering

/// Reads a Gaussian specification JSON (Docs/steering.md) into the typed
/// `GaussianSpecification`: the text is parsed by `JSONReader`, turned into a `JSONValue` tree
/// at once, and every field is read with its JSON path so errors name it (`means[1][0][2]`).
enum GaussianSpecificationInput {
  static func load(path: String) throws -> GaussianSpecification {
    let data: Data
    if path == "-" {
      data = Data(CommandIO.current.standardInputBytes() ?? [])
    } else {
      guard let contents = FileManager.default.contents(atPath: path) else {
        throw InputError(field: path, problem: "no such file or cannot read it")
      }
      data = contents
    }
    let tree: JSONValue
    do {
      tree = JSONValue(try JSONReader.parse([UInt8](data)))
    } catch {
      throw InputError(field: error.path.isEmpty ? path : error.path, problem: error.reason)
    }
    guard case .object(let members) = tree else { throw InputError(field: path, problem: "must be a JSON object") }
    let known: Set = ["groups", "classes", "priors", "means", "covariances", "comment"]
    if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
      throw InputError(field: unknown, problem: "unknown field (expected \(known.sorted().joined(separator: ", ")))")
    }
    func member(_ key: String) throws -> JSONValue {
      guard let value = members[key] else { throw InputError(field: key, problem: "missing") }
      return value
    }
    return GaussianSpecification(
      groups: try strings(member("groups"), "groups"), classes: try strings(member("classes"), "classes"),
      priors: try array(member("priors"), "priors") { try numbers($0, $1) },
      means: try array(member("means"), "means") { row, path in try array(row, path) { try numbers($0, $1) } },
      covariances: try array(member("covariances"), "covariances") { row, path in
        try array(row, path) { cell, cellPath in try array(cell, cellPath) { try numbers($0, $1) } }
      })
  }

  static func array<T>(_ value: JSONValue, _ path: String, _ element: (JSONValue, String) throws -> T) throws -> [T] {
    guard case .array(let items) = value else { throw InputError(field: path, problem: "must be an array") }
    return try items.enumerated().map { try element($1, "\(path)[\($0)]") }
  }

  static func numbers(_ value: JSONValue, _ path: String) throws -> [Double] {
    try array(value, path) { item, itemPath in
      switch item {
      case .number(let x) where x.isFinite: return x
      case .integer(let i): return Double(i)
      default: throw InputError(field: itemPath, problem: "must be a finite number")
      }
    }
  }

  static func strings(_ value: JSONValue, _ path: String) throws -> [String] {
    try array(value, path) { item, itemPath in
      guard case .string(let s) = item else { throw InputError(field: itemPath, problem: "must be a string") }
      return s
    }
  }
}
