/** The build-stage rule list, in ID order. Adding a rule: one file in this folder and one line here. */
import { ruleSet } from '../../../core/rule.js';
import type { BuildRule } from '../context.js';
import parseError from './parse-error.js';
import fromLatestTag from './from-latest-tag.js';
import fromUntagged from './from-untagged.js';
import fromNoDigest from './from-no-digest.js';
import rootUser from './root-user.js';
import noHealthcheck from './no-healthcheck.js';
import multipleHealthcheck from './multiple-healthcheck.js';
import exposeSsh from './expose-ssh.js';
import exposeRange from './expose-range.js';
import workdirRelative from './workdir-relative.js';
import workdirSysdir from './workdir-sysdir.js';
import sudo from './sudo.js';
import cdInsteadOfWorkdir from './cd-instead-of-workdir.js';
import wgetAndCurl from './wget-and-curl.js';
import addInsteadOfCopy from './add-instead-of-copy.js';
import addRemoteUrl from './add-remote-url.js';
import copyFromSelf from './copy-from-self.js';
import copyFromUndefined from './copy-from-undefined.js';
import copyMultipleSources from './copy-multiple-sources.js';
import duplicateAlias from './duplicate-alias.js';
import multipleCmd from './multiple-cmd.js';
import multipleEntrypoint from './multiple-entrypoint.js';
import updateAlone from './update-alone.js';
import maintainer from './maintainer.js';
import aptGetYes from './apt-get-yes.js';
import aptNoInstallRecommends from './apt-no-install-recommends.js';
import aptListsNotRemoved from './apt-lists-not-removed.js';
import aptNotPinned from './apt-not-pinned.js';
import systemUpgrade from './system-upgrade.js';
import aptCli from './apt-cli.js';
import apkNoCache from './apk-no-cache.js';
import apkNotPinned from './apk-not-pinned.js';
import pipNotPinned from './pip-not-pinned.js';
import pipNoCacheDir from './pip-no-cache-dir.js';
import npmNotPinned from './npm-not-pinned.js';
import gemNotPinned from './gem-not-pinned.js';
import goInstallNotPinned from './go-install-not-pinned.js';
import yumYes from './yum-yes.js';
import yumClean from './yum-clean.js';
import yumNotPinned from './yum-not-pinned.js';
import zypperYes from './zypper-yes.js';
import zypperClean from './zypper-clean.js';
import zypperNotPinned from './zypper-not-pinned.js';
import dnfYes from './dnf-yes.js';
import dnfClean from './dnf-clean.js';
import dnfNotPinned from './dnf-not-pinned.js';
import dnfNodocs from './dnf-nodocs.js';
import yarnCacheClean from './yarn-cache-clean.js';
import consecutiveRun from './consecutive-run.js';
import instructionOrder from './instruction-order.js';
import onbuildTrigger from './onbuild-trigger.js';
import envSelfReference from './env-self-reference.js';
import copyRelativeNoWorkdir from './copy-relative-no-workdir.js';
import useraddLargeUid from './useradd-large-uid.js';
import wgetProgress from './wget-progress.js';
import labelKey from './label-key.js';
import labelMissing from './label-missing.js';
import labelSuperfluous from './label-superfluous.js';
import labelEmpty from './label-empty.js';
import labelFormat from './label-format.js';
import execForm from './exec-form.js';
import registryAllowed from './registry-allowed.js';
import fromPlatform from './from-platform.js';
import pointlessCommands from './pointless-commands.js';
import pipefail from './pipefail.js';
import useShellInstruction from './use-shell-instruction.js';
import copyThenExtract from './copy-then-extract.js';
import secretsInEnv from './secrets-in-env.js';
import runCredentials from './run-credentials.js';
import curlPipeShell from './curl-pipe-shell.js';
import downloadNoChecksum from './download-no-checksum.js';
import worldWritable from './world-writable.js';
import setuidNotStripped from './setuid-not-stripped.js';
import contentTrustDisabled from './content-trust-disabled.js';
import copyKeyFile from './copy-key-file.js';

export const parseErrorRule: BuildRule = parseError;
export const allBuildRules: BuildRule[] = ruleSet<BuildRule>([
  parseError,
  fromLatestTag,
  fromUntagged,
  fromNoDigest,
  rootUser,
  noHealthcheck,
  multipleHealthcheck,
  exposeSsh,
  exposeRange,
  workdirRelative,
  workdirSysdir,
  sudo,
  cdInsteadOfWorkdir,
  wgetAndCurl,
  addInsteadOfCopy,
  addRemoteUrl,
  copyFromSelf,
  copyFromUndefined,
  copyMultipleSources,
  duplicateAlias,
  multipleCmd,
  multipleEntrypoint,
  updateAlone,
  maintainer,
  aptGetYes,
  aptNoInstallRecommends,
  aptListsNotRemoved,
  aptNotPinned,
  systemUpgrade,
  aptCli,
  apkNoCache,
  apkNotPinned,
  pipNotPinned,
  pipNoCacheDir,
  npmNotPinned,
  gemNotPinned,
  goInstallNotPinned,
  yumYes,
  yumClean,
  yumNotPinned,
  zypperYes,
  zypperClean,
  zypperNotPinned,
  dnfYes,
  dnfClean,
  dnfNotPinned,
  dnfNodocs,
  yarnCacheClean,
  consecutiveRun,
  instructionOrder,
  onbuildTrigger,
  envSelfReference,
  copyRelativeNoWorkdir,
  useraddLargeUid,
  wgetProgress,
  labelKey,
  labelMissing,
  labelSuperfluous,
  labelEmpty,
  labelFormat,
  execForm,
  registryAllowed,
  fromPlatform,
  pointlessCommands,
  pipefail,
  useShellInstruction,
  copyThenExtract,
  secretsInEnv,
  runCredentials,
  curlPipeShell,
  downloadNoChecksum,
  worldWritable,
  setuidNotStripped,
  contentTrustDisabled,
  copyKeyFile,
]);
