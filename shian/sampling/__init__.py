"""Food sampling and testing (抽检监测, SAMR Order 15; docs/sampling.md, docs/domain.md §8): population-based
yearly plans, sampling tasks and samples taken on a phone, lab results imported through the import engine, the
sample-to-lab and report deadlines on the working-day clock, disposal (核查处置) of failed samples with the 五到位
checklist and cross-region notices to the nominal producer's region, public disclosure, 你点我检 campaigns and the
stations' rapid-test rooms.

It sits above inspections: a failed sample raises the entity's risk score through
`shian.inspections.riskfactors` (factor `failed_samples`), and sampling tasks go to the inspections' stations."""
