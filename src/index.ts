// Probot's entry point (`probot run`, `npm start`): the app with its real dependencies.
import { createApp } from './app/create-app.js';

export default createApp();
