import { option, section } from '../option.js';
import { optionalString } from '../parsers.js';

export const producers = section('producers', {
  plantFile: option({
    env: 'VIGIL_PLANT_FILE',
    doc: 'Plant description (JSON: sites, lines, asset types and channels, assets, fault and data-problem rates) for `vigil produce plant`. Unset: the committed core/plant/default-plant.json. `--plant` overrides it.',
    schema: optionalString,
  }),
});
