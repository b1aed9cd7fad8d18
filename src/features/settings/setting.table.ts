export interface SettingTable {
  key: string;
  value: string;
}

export interface SecretTable {
  name: string;
  value: string;
}
