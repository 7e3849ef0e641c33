#pragma once
// The core's services, built once over one Context and shared by every face.
#include "core/accounts.h"
#include "core/amc_audiences.h"
#include "core/amc_data_sources.h"
#include "core/amc_data_upload.h"
#include "core/amc_user_deletion.h"
#include "core/analysis_templates.h"
#include "core/association_rules.h"
#include "core/buckets.h"
#include "core/change_requests.h"
#include "core/collaborations.h"
#include "core/configured_tables.h"
#include "core/context.h"
#include "core/dataset_uploads.h"
#include "core/datasets.h"
#include "core/id_mappings.h"
#include "core/identity_resolution.h"
#include "core/instance_advertisers.h"
#include "core/instance_lifecycle.h"
#include "core/instances.h"
#include "core/invitations.h"
#include "core/memberships.h"
#include "core/platform_tables.h"
#include "core/privacy_budgets.h"
#include "core/protected_queries.h"
#include "core/tags.h"
#include "core/upload_jobs.h"
#include "core/workflows.h"

namespace cleanroom::core {

struct Services {
  explicit Services(Context& c, QueryLimits query_limits = {}, UploadJobLimits upload_limits = {})
      : ctx(c),
        upload_jobs(upload_limits),
        accounts(c),
        instances(c),
        invitations(c),
        collaborations(c),
        memberships(c),
        configured_tables(c),
        datasets(c),
        protected_queries(c, query_limits) {}
  // Running uploads use the services below: they end before any of them goes.
  ~Services() { upload_jobs.stop(); }
  Context& ctx;
  UploadJobs upload_jobs;  // first: every service that queues uploads holds it
  AccountService accounts;
  InstanceService instances;
  InvitationService invitations;
  CollaborationService collaborations;
  MembershipService memberships;
  ConfiguredTableService configured_tables;
  DatasetService datasets;
  DatasetUploadService dataset_uploads{ctx, upload_jobs};  // the data face's (PUT /datasets)
  IdentityResolutionService identity_resolution{ctx};
  AnalysisTemplateService analysis_templates{ctx};
  PlatformTableService platform_tables{ctx};
  BucketService buckets{ctx};
  AmcDataUploadService amc_data_uploads{ctx, upload_jobs};
  PlatformAdvertiserService platform_advertisers{ctx};
  PrivacyBudgetService privacy_budgets{ctx};  // spent by protected queries
  TagService tags{ctx};
  AssociationRuleService association_rules{ctx};
  ChangeRequestService change_requests{ctx};
  IdMappingService id_mappings{ctx};        // ID namespaces and ID mapping tables
  ProtectedQueryService protected_queries;  // last: its workers use the services above
  WorkflowService workflows{ctx, instances, protected_queries};  // AMC reporting
  InstanceLifecycleService instance_lifecycle{ctx, protected_queries};
  AmcDataSourceService amc_data_sources{ctx};
  AmcUserDeletionService amc_user_deletions{ctx, upload_jobs};
  AmcAudienceService amc_audiences{ctx, upload_jobs, workflows};
};

}  // namespace cleanroom::core
