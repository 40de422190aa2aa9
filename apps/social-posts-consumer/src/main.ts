import { runRecordService } from '@datalake/records';
import { socialPostsDefinition } from './app/social-posts.definition';

void runRecordService({
  service: 'social-posts-consumer',
  definition: socialPostsDefinition,
  portVariable: 'SOCIAL_POSTS_PORT',
  defaultPort: 3012,
});
