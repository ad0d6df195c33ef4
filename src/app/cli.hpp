#pragma once

namespace vp::app {

/// Parses the command line and runs the sub-command; returns the process exit code.
int RunCli(int argc, char** argv);

}  // namespace vp::app
