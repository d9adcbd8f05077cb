/** Chart colours (GOV.UK palette), at least 3:1 against white. */
export const PALETTE = ["#1d70b8", "#f47738", "#505a5f", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#912b88"];
