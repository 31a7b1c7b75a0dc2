import FairMemCommands
import Foundation
import Testing

@testable import FairMemABI

/// The C ABI's request handling: arguments become the CLI's command line, bad requests become
/// structured errors, and a request's answer is the command's own `--json` output.
@Suite("C ABI requests")
struct ABIRequestTests {
  private func respond(_ text: String) throws -> [String: Any] {
    let bytes = Array(text.utf8)
    let response = bytes.withUnsafeBufferPointer { ABIDispatch.respond(to: $0) }
    return try #require(try JSONSerialization.jsonObject(with: Data(response)) as? [String: Any])
  }

  @Test("arguments become --name=value options, lists repeat, flags stand alone")
  func commandLine() throws {
    let request = try Array(
      #"{"command": "feasible", "arguments": {"metric": ["sp", "eopp"], "tolerance": 0.25, "exact": true, "normalize": false, "favorable": "-1", "check": null}, "input": {}}"#
        .utf8
    ).withUnsafeBufferPointer { try ABIRequest(bytes: $0) }
    #expect(
      try request.commandLine() == [
        "feasible", "--exact", "--favorable=-1", "--metric=sp", "--metric=eopp", "--tolerance=0.25", "--json", "-",
      ])
  }

  @Test("snake_case names are the CLI's kebab-case options")
  func snakeCase() throws {
    #expect(try ABIRequest.options(name: "frontier_points", value: 7) == ["--frontier-points=7"])
    #expect(try ABIRequest.options(name: "max-budget", value: 0.5) == ["--max-budget=0.5"])
  }

  @Test(
    "bad requests name the field",
    arguments: [
      (#"{"command": "analyze", "arguments": {"json": true}}"#, "json"),
      (#"{"command": "analyze", "arguments": {"Bad Name": 1}}"#, "Bad Name"),
      (#"{"command": "analyze", "arguments": {"tolerance": [1, {}]}}"#, "tolerance[1]"),
      (#"{"command": "analyze", "arguments": {"frontier_points": 1}}"#, "frontier_points"),
      (#"{"command": "nope"}"#, "command"),
      (#"{"command": "feasible", "input": {"groups": ["a"]}}"#, "groups"),
      ("{", "request"),
    ])
  func badRequests(request: String, field: String) throws {
    let response = try respond(request)
    #expect(response["ok"] as? Bool == false)
    #expect(response["exit_code"] as? Int == 2)
    let error = try #require(response["error"] as? [String: Any])
    #expect(error["code"] as? String == "bad_input")
    #expect(error["field"] as? String == field)
  }

  @Test("the result is the command's --json output")
  func resultIsTheCommandOutput() throws {
    let response = try respond(
      #"{"command": "bounds", "arguments": {"metric": "eopp"}}"#.replacingOccurrences(
        of: "}}", with: #"}, "input": \#(BuiltInExample.json)}"#))
    #expect(response["ok"] as? Bool == true)
    let result = try #require(response["result"] as? [String: Any])
    #expect(result["metric"] as? String == "eopp")
    let minMass = try #require(result["min_mass"] as? Double)
    #expect(abs(minMass - 0.225) < 1e-12)
  }

  @Test("the first option or argument a usage message names is its field")
  func optionNamedInMessages() {
    #expect(CommandFailure.optionNamed(in: "Unknown option '--foo-bar'") == "--foo-bar")
    #expect(CommandFailure.optionNamed(in: "Missing expected argument '<input>'") == "input")
    #expect(CommandFailure.optionNamed(in: "The value 'x' is invalid for '--tolerance <tolerance>'") == "--tolerance")
    #expect(CommandFailure.optionNamed(in: "no option here -- at all") == nil)
  }
}
