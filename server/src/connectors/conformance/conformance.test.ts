import { describeConformance } from './kit.js'
import { conformanceTargetNames, loadConformanceTarget } from './targets.js'

// The kit over every connector folder and the scaffold, or only CONNECTOR_ID (see `pnpm test:connector <id>`).
// Each target loads inside its own suite, so one broken folder fails only its own suite.
for (const name of conformanceTargetNames()) describeConformance(() => loadConformanceTarget(name), name)
