/**
 * The type tokens of the program's components. The plan groups resources by the cell component, and the policy
 * pack (which imports nothing from the program) repeats the cell's token in policies/lib/facts.ts; a test keeps
 * both in step. Pure.
 */
export const CELL_TYPE = "cellular:index:Cell";
export const ROUTER_TYPE = "cellular:index:CellRouter";
/** The component output that names a cell. */
export const CELL_ID_OUTPUT = "cellId";
export const IDENTITY_TYPE = "cellular:index:Identity";
export const CONTROL_PLANE_TYPE = "cellular:index:ControlPlane";
