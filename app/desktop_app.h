// The desktop app's entry point (the window lives in ui/).
#pragma once

namespace tandem {

[[nodiscard]] int runDesktopApp(int &argc, char **argv);

} // namespace tandem
