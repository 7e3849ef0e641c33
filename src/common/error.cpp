#include "common/error.h"

namespace cleanroom {

std::string_view resource_noun(Resource r) {
  switch (r) {
    case Resource::Unspecified:
      return "resource";
    case Resource::Collaboration:
      return "collaboration";
    case Resource::Membership:
      return "membership";
    case Resource::ConfiguredTable:
      return "configured table";
    case Resource::ConfiguredTableAssociation:
      return "configured table association";
    case Resource::AnalysisTemplate:
      return "analysis template";
    case Resource::ProtectedQuery:
      return "protected query";
    case Resource::PrivacyBudgetTemplate:
      return "privacy budget template";
    case Resource::ChangeRequest:
      return "change request";
    case Resource::IdNamespaceAssociation:
      return "ID namespace association";
    case Resource::IdMappingTable:
      return "ID mapping table";
    case Resource::Account:
      return "account";
    case Resource::User:
      return "user";
    case Resource::Bucket:
      return "bucket";
    case Resource::Object:
      return "object";
    case Resource::Dataset:
      return "dataset";
    case Resource::AmcAccount:
      return "AMC account";
    case Resource::AmcDataSet:
      return "data set";
    case Resource::Upload:
      return "upload";
    case Resource::PlatformIdentityTable:
      return "platform identity table";
    case Resource::Instance:
      return "instance";
    case Resource::Advertiser:
      return "advertiser";
    case Resource::AdvertiserUpdate:
      return "advertiser update";
    case Resource::Invitation:
      return "invitation";
    case Resource::Workflow:
      return "workflow";
    case Resource::WorkflowExecution:
      return "workflow execution";
    case Resource::Schedule:
      return "schedule";
    case Resource::Result:
      return "result";
    case Resource::Route:
      return "resource";
  }
  return "resource";
}

}  // namespace cleanroom
