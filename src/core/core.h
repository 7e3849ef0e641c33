#pragma once
// The core's services, built once over one Context and shared by every face.
#include "core/accounts.h"
#include "core/collaborations.h"
#include "core/configured_tables.h"
#include "core/context.h"
#include "core/datasets.h"
#include "core/instances.h"
#include "core/invitations.h"
#include "core/memberships.h"

namespace cleanroom::core {

struct Services {
  explicit Services(Context& c)
      : ctx(c),
        accounts(c),
        instances(c),
        invitations(c),
        collaborations(c),
        memberships(c),
        configured_tables(c),
        datasets(c) {}
  Context& ctx;
  AccountService accounts;
  InstanceService instances;
  InvitationService invitations;
  CollaborationService collaborations;
  MembershipService memberships;
  ConfiguredTableService configured_tables;
  DatasetService datasets;
};

}  // namespace cleanroom::core
