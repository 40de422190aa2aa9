import { runRecordService } from '@datalake/records';
import { socialPostsDefinition } from './app/social-posts.definition';

void runRecordService({
  service: 'social-posts-consumer',
  definition: socialPostsDefinition,
  portVariable: 'SOCIAL_POSTS_PORT',
  managementPortVariable: 'SOCIAL_POSTS_MANAGEMENT_PORT',
  defaultManagementPort: 9012,
  defaultPort: 3012,
});
