"""The regulator's routine inspections (docs/inspections.md; docs/domain.md §6, §7): risk grading (风险分级) apart
from the 包保 grades, yearly plans, 双随机一公开 draws, inspections on the checklist engine, rectification orders and
re-checks, catering 量化分级, grids for 巡查 and the 明厨亮灶 registry.

The app sits above visits (an inspector sees the entity's 包保 problems while answering) and below the dashboard.
Later modules (sampling, complaints and cases, credit) feed the dynamic risk score through
`shian.inspections.riskfactors.register_factor` and pick up `CaseReferral` rows; this app imports none of them."""
