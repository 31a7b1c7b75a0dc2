import ArgumentParser
import FairMemCommands

/// Runs a request as the `fairmem` subcommand it names.
enum ABIDispatch {
  /// Parses the request, runs the command with the request's input as standard input and a
  /// buffer as standard output, and writes the response. Safe to call from many threads at once:
  /// the command's input and output are bound to the calling thread (``CommandIO/current``).
  static func respond(to bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    let request: ABIRequest
    let commandLine: [String]
    do {
      request = try ABIRequest(bytes: bytes)
      commandLine = try request.commandLine()
    } catch {
      return ABIResponse.bytes(failure: error)
    }
    let io = CommandIO(standardInput: request.input ?? .bytes([]), capturesOutput: true)
    let failure: CommandFailure? = CommandIO.$current.withValue(io) {
      do {
        var command = try FairMemCommand.parseAsRoot(commandLine)
        try command.run()
        return nil
      } catch {
        return CommandFailure.classify(error)
      }
    }
    return ABIResponse.bytes(output: io.output, shape: request.entry.output, failure: failure)
  }
}
