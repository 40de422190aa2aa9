import { describeInternalCalls } from '@datalake/records/testing';
import { socialPostsDefinition } from './social-posts.definition';

// Every route of this service refuses calls without a valid internal token (see describeInternalCalls).
describeInternalCalls('social-posts-consumer', socialPostsDefinition);
