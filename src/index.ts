/** Entry of the bundled action: the same file runs as `main` and as `post` (action.yml). */
import { main, post } from './main'
import { isPost } from './state'

void (isPost() ? post() : main())
