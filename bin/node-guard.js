// Runs before anything else of study-bot is loaded (bin/study-bot.js, src/server.ts, npm start):
// an older Node (Ubuntu 24.04's `apt install nodejs` gives 18) would otherwise fail deep in a
// module with "SyntaxError: ... does not provide an export named 'styleText'", which says nothing
// about the version. Plain JavaScript with no syntax newer than Node 12 and no imports that an
// old Node lacks, so that it parses and says so on the versions it must refuse.
import { readFileSync } from 'fs';

function parse(version) {
  var match = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

function atLeast(have, need) {
  for (var i = 0; i < 3; i++) {
    if (have[i] !== need[i]) return have[i] > need[i];
  }
  return true;
}

// package.json's engines is the one place the version is written (`>=20.18.1`).
var engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines || {};
var need = parse(String(engines.node || ''));
var have = parse(process.versions.node);
if (need && have && !atLeast(have, need)) {
  var wanted = need.join('.');
  process.stderr.write(
    'study-bot: Node.js ' + wanted + ' 이상이 필요합니다 (지금 v' + process.versions.node + ') — ' +
      'Ubuntu: `nvm install 20` (https://github.com/nvm-sh/nvm) 또는 NodeSource (https://github.com/nodesource/distributions) / ' +
      'study-bot needs Node.js ' + wanted + ' or newer (this is v' + process.versions.node + '): ' +
      'on Ubuntu, `nvm install 20` or NodeSource\n',
  );
  process.exit(1);
}
