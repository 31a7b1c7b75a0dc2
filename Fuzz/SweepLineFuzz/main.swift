import FairMemJSON
import FairnessStatistics
import Foundation
import FuzzingDriver

@testable import FairMemCommands

// One line of `fairmem sweep` input: whatever it holds, the line handler returns exactly one
// JSON object per metric (an answer) or exactly one error object naming the line, never traps,
// and never reports a solver failure on input it accepted.
// (The C ABI target of the roadmap gets its own fuzz target here once it exists: one entry
// point per exported function, bytes in, status code checked; see Docs/fuzzing.md.)
let metrics = FairnessMetric.gapVectors
runFuzzer { bytes in
  let line = String(decoding: bytes, as: UTF8.self)
  let (text, outcome) = SweepCommand.answer(
    line: .line(line), number: 7, metrics: metrics, favorable: nil, tolerance: bytes.count % 2 == 0 ? 0 : 0.01,
    certificate: true, normalize: false)
  let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
  precondition(text.hasSuffix("\n"), "output does not end a line")
  precondition(
    lines.count == (outcome == .answered ? metrics.count : 1), "\(lines.count) output lines for one input line")
  for output in lines {
    // Foundation rejects numbers outside the range of a double, which the sweep echoes verbatim
    // in "id" (valid JSON, see Docs/output-format.md); FairMemJSON's reader reads them.
    let object =
      (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
      ?? (try? JSONReader.parse(Array(output.utf8)) as? [String: Any])
    precondition(object != nil, "output line is not a JSON object: \(output)")
    if outcome != .answered { precondition(object?["line"] as? Int == 7, "error object without its line number") }
  }
  precondition(outcome != .internalFailure, "solver failure on an accepted line: \(text)")
}
